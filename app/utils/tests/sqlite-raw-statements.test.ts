import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { bulkWrites } from "~/db.server";
import { positional } from "~/utils/sql-dialect.server";
import { TEST_ON_POSTGRES } from "#/setup/test-env";

const SHOP = "direct-raw.myshopify.com";
const processedAt = new Date("2026-03-01T10:00:00.000Z");

// The inbox processor's statements give the same rows straight on the connection as
// through Prisma (PostgreSQL: Prisma's own, trivially the same).
describe("raw statements run straight on the transaction's connection", () => {
  beforeAll(async () => {
    await prisma.attributedOrder.createMany({
      data: [
        { shop: SHOP, orderId: "1", ambassadorId: "amb-1", code: "ANNA10", buyerCustomerId: "501", processedAt, newCustomer: true, discountCents: 500n, netCents: 4_200n },
        { shop: SHOP, orderId: "2", ambassadorId: "amb-1", code: "ANNA10", buyerCustomerId: null, processedAt: new Date("2026-03-02T11:30:15.250Z"), netCents: 9_007_199_254_740_993n, cancelledAt: processedAt },
        { shop: SHOP, orderId: "3", ambassadorId: "amb-2", code: "BEN5", buyerCustomerId: "502", processedAt, selfReferral: true },
      ],
    });
    await prisma.customerStats.create({ data: { shop: SHOP, customerId: "501", orderCount: 3, netSpentCents: 12_345n, firstOrderAt: processedAt, tags: "vip" } });
  });
  afterAll(async () => {
    await prisma.attributedOrder.deleteMany({ where: { shop: SHOP } });
    await prisma.customerStats.deleteMany({ where: { shop: SHOP } });
  });

  const queries: [string, unknown[]][] = [
    // Every declared type, nulls among them, and parameters of each kind.
    [`SELECT * FROM "AttributedOrder" WHERE "shop" = ? ORDER BY "orderId"`, [SHOP]],
    [`SELECT * FROM "CustomerStats" WHERE "shop" = ? AND "orderCount" >= ? AND "netSpentCents" > ?`, [SHOP, 2, 100n]],
    [`SELECT "orderId" FROM "AttributedOrder" WHERE "shop" = ? AND "processedAt" = ?`, [SHOP, processedAt]],
    [`SELECT "orderId" FROM "AttributedOrder" WHERE "shop" = ? AND "newCustomer" = ? AND "cancelledAt" IS NULL`, [SHOP, true]],
    // Expressions have no declared type: typed by their values, as Prisma's adapter does.
    [
      `SELECT "ambassadorId", COUNT(*) AS "orders", SUM("netCents") AS "sales", MAX("processedAt") AS "last",
              AVG("discountCents") AS "average", MAX("buyerCustomerId") AS "buyer", NULL AS "nothing"
       FROM "AttributedOrder" WHERE "shop" = ? GROUP BY "ambassadorId" ORDER BY "ambassadorId"`,
      [SHOP],
    ],
    [`SELECT "orderId" FROM "AttributedOrder" WHERE "shop" = ? AND "orderId" = ?`, [SHOP, "none"]],
  ];

  it("returns the rows, typed, as Prisma's own raw query does", async () => {
    for (const [sql, parameters] of queries) {
      const [throughPrisma, direct] = await prisma.$transaction(async (tx) => [
        await tx.$queryRawUnsafe(positional(sql), ...parameters),
        await bulkWrites.directRawStatements(tx).$queryRawUnsafe(positional(sql), ...parameters),
      ]);
      expect(direct, sql).toEqual(throughPrisma);
    }
    // The fixture's values came through (not two empty lists alike).
    const [row] = await prisma.$transaction((tx) =>
      bulkWrites.directRawStatements(tx).$queryRawUnsafe<{ netCents: bigint; processedAt: Date; cancelledAt: Date; newCustomer: boolean }[]>(
        positional(`SELECT "netCents", "processedAt", "cancelledAt", "newCustomer" FROM "AttributedOrder" WHERE "shop" = ? AND "orderId" = ?`),
        SHOP,
        "2",
      ),
    );
    expect(row).toEqual({ netCents: 9_007_199_254_740_993n, processedAt: new Date("2026-03-02T11:30:15.250Z"), cancelledAt: processedAt, newCustomer: false });
  });

  it("writes inside the transaction: counted as Prisma counts, rolled back with it", async () => {
    const update = positional(`UPDATE "AttributedOrder" SET "netCents" = "netCents" + ?, "updatedAt" = ? WHERE "shop" = ? AND "code" = ?`);
    const changed = await prisma.$transaction((tx) => bulkWrites.directRawStatements(tx).$executeRawUnsafe(update, 1n, new Date(), SHOP, "ANNA10"));
    expect(changed).toBe(2);

    await expect(
      prisma.$transaction(async (tx) => {
        await bulkWrites.directRawStatements(tx).$executeRawUnsafe(update, 1_000n, new Date(), SHOP, "BEN5");
        throw new Error("the batch failed");
      }),
    ).rejects.toThrow("the batch failed");
    const ben = await prisma.attributedOrder.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: "3" } } });
    expect(ben.netCents).toBe(0n);
    const anna = await prisma.attributedOrder.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: "1" } } });
    expect(anna.netCents).toBe(4_201n);
  });

  it("answers a failing statement with a rejection, leaving the transaction to roll back", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        const direct = bulkWrites.directRawStatements(tx);
        await direct.$executeRawUnsafe(positional(`UPDATE "CustomerStats" SET "tags" = ? WHERE "shop" = ?`), "changed", SHOP);
        await direct.$queryRawUnsafe(`SELECT "noSuchColumn" FROM "CustomerStats"`);
      }),
    ).rejects.toThrow(/noSuchColumn/);
    expect((await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP } })).tags).toBe("vip");
  });

  it.skipIf(TEST_ON_POSTGRES)("refuses to run once its transaction has ended, even inside the next one", async () => {
    const direct = await prisma.$transaction(async (tx) => bulkWrites.directRawStatements(tx));
    const update = positional(`UPDATE "CustomerStats" SET "tags" = ? WHERE "shop" = ?`);
    await expect(direct.$executeRawUnsafe(update, "stray", SHOP)).rejects.toThrow(/its Prisma transaction has ended/);
    // Another request's transaction is open on the connection now: still refused, not run in it.
    await prisma.$transaction(async () => {
      await expect(direct.$executeRawUnsafe(update, "stray", SHOP)).rejects.toThrow(/its Prisma transaction has ended/);
    });
    expect((await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP } })).tags).toBe("vip");
    // And outside any Prisma transaction there is none to run in.
    expect(() => bulkWrites.directRawStatements(prisma)).toThrow(/only inside a Prisma transaction/);
  });
});
