import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it, vi } from "vitest";
import prisma, { bulkWrites } from "~/db.server";
import { serializedSqliteAdapter, WAL_SIZE_LIMIT_BYTES } from "~/utils/serialized-sqlite.server";
import { TEST_ON_POSTGRES } from "#/setup/test-env";

const shops = ["rolled-back.myshopify.com", "concurrent.myshopify.com", "bulk.myshopify.com", "bulk-failed.myshopify.com"];
const manyShops = Array.from({ length: 120 }, (_, i) => `many-${String(i).padStart(3, "0")}.myshopify.com`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A SQLite database of its own (the suite's shared one has other test files' connections
 * on it, which would hold the log), with one table `body` rows go into.
 */
async function withOwnDatabase(work: (adapter: ReturnType<typeof serializedSqliteAdapter>, file: string) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wal-"));
  const file = path.join(dir, "app.sqlite");
  const adapter = serializedSqliteAdapter(file);
  const client = new PrismaClient({ adapter });
  try {
    await client.$connect();
    await adapter.bulk.transaction((tx) => tx.execute(`CREATE TABLE "Written" ("id" INTEGER PRIMARY KEY, "body" TEXT)`));
    await work(adapter, file);
  } finally {
    await client.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const countWritten = async (adapter: ReturnType<typeof serializedSqliteAdapter>) =>
  Number((await adapter.bulk.transaction((tx) => tx.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Written"`)))[0].n);

// The insertMany contract holds on both databases; the rest is about SQLite's one shared
// connection and its write-ahead log.
describe("the SQLite connection shared by concurrent requests", () => {
  afterAll(() => prisma.shop.deleteMany({ where: { shop: { in: [...shops, ...manyShops] } } }));

  it.skipIf(TEST_ON_POSTGRES)("keeps a write made during another request's transaction when that transaction rolls back", async () => {
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

  it.skipIf(TEST_ON_POSTGRES)("runs a bulk transaction after the open transaction, and rolls it back when it throws", async () => {
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

  it("commits a bulk transaction whole or not at all", async () => {
    const shop = `${shops[3]}.whole`;
    await expect(
      bulkWrites.transaction(async (tx) => {
        await tx.execute(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (?, ?)`, shop, new Date().toISOString());
        expect(await tx.query(`SELECT "shop" FROM "Shop" WHERE "shop" = ?`, shop)).toHaveLength(1);
        throw new Error("failed batch");
      }),
    ).rejects.toThrow("failed batch");
    expect(await prisma.shop.findUnique({ where: { shop } })).toBeNull();
  });

  it("inserts many rows per statement, in order, each meeting the conflict clause as its own row would", async () => {
    const insert = (values: string) => `
      INSERT INTO "Shop" ("shop", "updatedAt") VALUES ${values}
      ON CONFLICT ("shop") DO UPDATE SET "updatedAt" = excluded."updatedAt"`;
    const rows = manyShops.map((shop) => [shop, "2024-01-01T00:00:00.000+00:00"]);
    // A repeated key in the same call, in another statement (row 110) and in the same one (row 2).
    rows.splice(2, 0, [manyShops[0], "2024-01-02T00:00:00.000+00:00"]);
    rows.push([manyShops[5], "2024-01-03T00:00:00.000+00:00"]);

    const changes = await bulkWrites.transaction((tx) => tx.insertMany(insert, rows));

    expect(changes).toBe(rows.length);
    expect(await prisma.shop.count({ where: { shop: { in: manyShops } } })).toBe(manyShops.length);
    const updated = await prisma.shop.findMany({ where: { shop: { in: [manyShops[0], manyShops[5], manyShops[9]] } }, orderBy: { shop: "asc" } });
    expect(updated.map((s) => s.updatedAt.toISOString())).toEqual([
      "2024-01-02T00:00:00.000Z", "2024-01-03T00:00:00.000Z", "2024-01-01T00:00:00.000Z",
    ]);
    await expect(
      bulkWrites.transaction((tx) => tx.insertMany(insert, [[manyShops[0], "2024-01-01T00:00:00.000+00:00"], [manyShops[1]]])),
    ).rejects.toThrow(/rows of 2 and 1 values/);
  });

  it.skipIf(TEST_ON_POSTGRES)("hands checkpoints to a background connection while bulk runs go on, and takes them back after", async () => {
    const autocheckpoint = () =>
      bulkWrites.transaction(async (tx) => {
        const [row] = await tx.query<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint");
        return Number(row.wal_autocheckpoint);
      });
    expect(await autocheckpoint()).toBe(1000);

    let release!: () => void;
    const outer = bulkWrites.withBackgroundCheckpoints(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return autocheckpoint();
    });
    const inner = await bulkWrites.withBackgroundCheckpoints(async () => {
      await bulkWrites.transaction((tx) =>
        tx.insertMany((values) => `INSERT INTO "Shop" ("shop", "updatedAt") VALUES ${values}`, [[shops[2] + ".bg", new Date().toISOString()]]),
      );
      return autocheckpoint();
    });
    // The inner run ended while the outer one goes on: still in the background.
    expect(inner).toBe(0);
    expect(await autocheckpoint()).toBe(0);
    release();
    expect(await outer).toBe(0);
    expect(await autocheckpoint()).toBe(1000);
    expect(await prisma.shop.count({ where: { shop: shops[2] + ".bg" } })).toBe(1);

    await expect(bulkWrites.withBackgroundCheckpoints(async () => { throw new Error("ingest failed"); })).rejects.toThrow("ingest failed");
    expect(await autocheckpoint()).toBe(1000);
    await prisma.shop.deleteMany({ where: { shop: shops[2] + ".bg" } });
  });

  it.skipIf(TEST_ON_POSTGRES)("keeps checkpoints in the background for a while after a lingering run, for the next run to reuse", async () => {
    const autocheckpoint = () =>
      bulkWrites.transaction(async (tx) => {
        const [row] = await tx.query<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint");
        return Number(row.wal_autocheckpoint);
      });
    await bulkWrites.withBackgroundCheckpoints(async () => undefined, { lingerMs: 300 });
    // Ended, but lingering: the next run (the inbox processor's, moments later) finds it on.
    expect(await autocheckpoint()).toBe(0);
    expect(await bulkWrites.withBackgroundCheckpoints(() => autocheckpoint(), { lingerMs: 300 })).toBe(0);
    expect(await autocheckpoint()).toBe(0);
    // Once the linger has passed with no run, commits checkpoint again.
    await vi.waitFor(async () => expect(await autocheckpoint()).toBe(1000), { timeout: 5_000, interval: 50 });
  });

  it.skipIf(TEST_ON_POSTGRES)("keeps the write-ahead log from growing without end under steady writes with background checkpoints", async () => {
    await withOwnDatabase(async (adapter, file) => {
      const body = "x".repeat(3_000);
      let largestLog = 0;
      await adapter.bulk.withBackgroundCheckpoints(async () => {
        // Deliveries one after another, each its own commit (some durable), as webhooks
        // arrive under load: ~3 pages each, 6,000 of them (~75 MB of log if it never started
        // over). Between two, a turn of the event loop, as between two requests.
        for (let i = 0; i < 6_000; i++) {
          await adapter.bulk.transaction((tx) => tx.execute(`INSERT INTO "Written" ("body") VALUES (?)`, body), { durable: i % 4 === 0 });
          await new Promise((resolve) => setImmediate(resolve));
          if (i % 50 === 0) largestLog = Math.max(largestLog, fs.statSync(`${file}-wal`).size);
        }
      });
      expect(await countWritten(adapter)).toBe(6_000);
      // Started over about every 4,000 pages (16 MB; ~20 MB seen at most), where a log
      // that never starts over reached ~75 MB. Room left for a slow machine's checkpoints.
      expect(largestLog).toBeLessThan(40 * 1024 * 1024);
    });
  });

  it.skipIf(TEST_ON_POSTGRES)("gives back the disk a very large transaction's log took, once the log starts over", async () => {
    await withOwnDatabase(async (adapter, file) => {
      // One transaction larger than the limit, as a history sync's recompute of every customer.
      const body = "x".repeat(4_000);
      await adapter.bulk.transaction((tx) => tx.insertMany((values) => `INSERT INTO "Written" ("body") VALUES ${values}`, Array.from({ length: 20_000 }, () => [body])));
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
      // Its commit copied the log back (more than 1,000 pages); the next commit starts it over.
      await adapter.bulk.transaction((tx) => tx.execute(`INSERT INTO "Written" ("body") VALUES (?)`, "after"), { durable: true });
      expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
      expect(await countWritten(adapter)).toBe(20_001);
    });
  });

  it.skipIf(TEST_ON_POSTGRES)("commits without an fsync only the transactions started inside withoutWaitingForDisk", async () => {
    // 2 = FULL (every commit synced before it returns), 1 = NORMAL.
    const synchronous = (tx: Pick<typeof prisma, "$queryRawUnsafe">) =>
      tx.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous").then(([row]) => Number(row.synchronous));
    let concurrent: Promise<number> | null = null;
    const relaxed = await bulkWrites.withoutWaitingForDisk(() =>
      prisma.$transaction(async (tx) => {
        // A request arriving meanwhile runs after it, durably.
        concurrent ??= prisma.$transaction((other) => synchronous(other));
        await tx.shop.create({ data: { shop: shops[3] + ".relaxed" } });
        return synchronous(tx);
      }),
    );
    expect(relaxed).toBe(1);
    expect(await concurrent).toBe(2);
    expect(await prisma.$transaction((tx) => synchronous(tx))).toBe(2);
    expect(await prisma.shop.count({ where: { shop: shops[3] + ".relaxed" } })).toBe(1);
    await prisma.shop.deleteMany({ where: { shop: shops[3] + ".relaxed" } });
  });

  it.skipIf(TEST_ON_POSTGRES)("commits a durable bulk transaction synced (synchronous = FULL), a relaxed one without the fsync", async () => {
    const insert = (values: string) => `INSERT INTO "Shop" ("shop", "updatedAt") VALUES ${values}`;
    // 2 = FULL (the commit syncs the log before it returns), 1 = NORMAL.
    const committedAt = (durable: boolean, shop: string) =>
      bulkWrites.transaction(async (tx) => {
        await tx.insertMany(insert, [[shop, new Date().toISOString()]]);
        const [row] = await tx.query<{ synchronous: bigint | number }>("PRAGMA synchronous");
        return Number(row.synchronous);
      }, { durable });
    try {
      expect(await committedAt(false, shops[2] + ".relaxed")).toBe(1);
      expect(await committedAt(true, shops[2] + ".durable")).toBe(2);
      // The relaxed one's setting ends with it.
      expect(await prisma.$transaction((tx) => tx.$queryRawUnsafe<{ synchronous: bigint }[]>("PRAGMA synchronous")).then(([row]) => Number(row.synchronous))).toBe(2);
      expect(await prisma.shop.count({ where: { shop: { in: [shops[2] + ".relaxed", shops[2] + ".durable"] } } })).toBe(2);
    } finally {
      await prisma.shop.deleteMany({ where: { shop: { in: [shops[2] + ".relaxed", shops[2] + ".durable"] } } });
    }
  });

  it("reuses prepared statements with each call's own parameters", async () => {
    const names = ["a", "b", "c"].map((k) => `${shops[3]}.${k}`);
    for (const shop of names) await prisma.shop.create({ data: { shop } });
    // The same SQL text three times, each with its own parameters, in and out of transactions.
    const found = [];
    for (const shop of names) found.push((await prisma.shop.findUnique({ where: { shop } }))?.shop);
    found.push(await prisma.$transaction(async (tx) => (await tx.shop.findUnique({ where: { shop: names[0] } }))?.shop));
    expect(found).toEqual([...names, names[0]]);
    await prisma.shop.deleteMany({ where: { shop: { in: names } } });
  });
});
