import { afterAll, describe, expect, it } from "vitest";
import prisma, { bulkWrites } from "~/db.server";

const shops = ["rolled-back.myshopify.com", "concurrent.myshopify.com", "bulk.myshopify.com", "bulk-failed.myshopify.com"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the SQLite connection shared by concurrent requests", () => {
  afterAll(() => prisma.shop.deleteMany({ where: { shop: { in: shops } } }));

  it("keeps a write made during another request's transaction when that transaction rolls back", async () => {
    const failing = prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { shop: shops[0] } });
      await sleep(100);
      throw new Error("duplicate delivery");
    });
    await sleep(20);
    // Another request writes while the transaction above is still open.
    await prisma.shop.create({ data: { shop: shops[1] } });

    await expect(failing).rejects.toThrow("duplicate delivery");
    expect(await prisma.shop.findUnique({ where: { shop: shops[0] } })).toBeNull();
    expect(await prisma.shop.findUnique({ where: { shop: shops[1] } })).not.toBeNull();
  });

  it("runs a bulk transaction after the open transaction, and rolls it back when it throws", async () => {
    const order: string[] = [];
    const open = prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { shop: shops[2] } });
      await sleep(100);
      order.push("prisma");
    });
    await sleep(20);
    const bulk = bulkWrites.transaction(async (tx) => {
      order.push("bulk");
      const rows = await tx.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Shop" WHERE "shop" = ?`, shops[2]);
      return Number(rows[0].n);
    });
    await open;
    // It saw the committed row: it ran after the transaction, not inside it.
    expect(await bulk).toBe(1);
    expect(order).toEqual(["prisma", "bulk"]);

    await expect(
      bulkWrites.transaction(async (tx) => {
        await tx.executeMany(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (?, ?)`, [[shops[3], new Date().toISOString()]]);
        throw new Error("failed batch");
      }),
    ).rejects.toThrow("failed batch");
    expect(await prisma.shop.findUnique({ where: { shop: shops[3] } })).toBeNull();
  });
});
