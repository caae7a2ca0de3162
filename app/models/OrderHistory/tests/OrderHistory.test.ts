import { describe, expect, it } from "vitest";
import pg from "pg";
import prisma from "~/db.server";
import {
  ingestBulkOrdersJsonl,
  orderSnapshotFromWebhook,
  recordRefunds,
  refundSnapshotFromWebhook,
  upsertCustomerProfiles,
  upsertOrderSnapshots,
  customerProfileFromWebhook,
  type OrderSnapshot,
} from "../OrderHistory.server";
import { startHistorySync } from "../HistorySync.server";
import { eraseCustomerPersonalData } from "~/models/Candidate/Candidate.server";
import {
  bulkOrderNode,
  chunkedStream,
  lineItemLine,
  orderWebhookPayload,
  refundWebhookPayload,
  toJsonl,
  shopsErasedAfterFile,
  type TestOrder,
} from "#/factories/orders";

const newShop = shopsErasedAfterFile();

/** What a merchant would see per customer: counts, spend, first and last order. */
async function statsOf(shop: string) {
  const rows = await prisma.customerStats.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
  return Object.fromEntries(
    rows.map((r) => [
      r.customerId,
      {
        orderCount: r.orderCount,
        netSpentCents: Number(r.netSpentCents),
        firstOrderAt: r.firstOrderAt?.toISOString() ?? null,
        lastOrderAt: r.lastOrderAt?.toISOString() ?? null,
      },
    ]),
  );
}

// A small history: Ada buys twice (and cancels a third), Grace's first order is refunded
// in full and her second in part, Linus has a test order and a real one, one guest order.
const ADA = 101;
const GRACE = 102;
const LINUS = 103;
const history: TestOrder[] = [
  { id: 1, customerId: ADA, customerName: "Ada Lovelace", processedAt: "2024-01-10T10:00:00Z", totalCents: 10_000 },
  { id: 2, customerId: GRACE, customerName: "Grace Hopper", processedAt: "2024-01-11T10:00:00Z", totalCents: 8_000, refundedCents: 8_000 },
  { id: 3, customerId: null, processedAt: "2024-01-12T10:00:00Z", totalCents: 4_000 },
  { id: 4, customerId: ADA, processedAt: "2024-02-10T10:00:00Z", totalCents: 5_050, discountCodes: ["save10"] },
  { id: 5, customerId: ADA, processedAt: "2024-03-10T10:00:00Z", totalCents: 3_000, cancelledAt: "2024-03-11T10:00:00Z", refundedCents: 3_000 },
  { id: 6, customerId: GRACE, processedAt: "2024-03-12T10:00:00Z", totalCents: 2_000, refundedCents: 500 },
  { id: 7, customerId: LINUS, customerName: "Linus", processedAt: "2024-03-13T10:00:00Z", totalCents: 1_000, test: true },
  { id: 8, customerId: LINUS, processedAt: "2024-03-14T10:00:00Z", totalCents: 20_000 },
];

const expectedStats = {
  [String(ADA)]: { orderCount: 2, netSpentCents: 15_050, firstOrderAt: "2024-01-10T10:00:00.000Z", lastOrderAt: "2024-02-10T10:00:00.000Z" },
  [String(GRACE)]: { orderCount: 1, netSpentCents: 1_500, firstOrderAt: "2024-03-12T10:00:00.000Z", lastOrderAt: "2024-03-12T10:00:00.000Z" },
  [String(LINUS)]: { orderCount: 1, netSpentCents: 20_000, firstOrderAt: "2024-03-14T10:00:00.000Z", lastOrderAt: "2024-03-14T10:00:00.000Z" },
};

/** The history as bulk JSONL: each order followed by 1–3 line-item child lines. */
function historyJsonl(orders = history) {
  let lineItemId = 1000;
  return toJsonl(
    orders.flatMap((order) => [
      bulkOrderNode(order),
      ...Array.from({ length: 1 + (order.id % 3) }, () => lineItemLine(order.id, lineItemId++)),
    ]),
  );
}
const LINES = history.reduce((sum, o) => sum + 2 + (o.id % 3), 0);

describe("ingestBulkOrdersJsonl", () => {
  it("counts only orders that are not cancelled, test or fully refunded, per customer", async () => {
    const shop = newShop("ingest");
    const result = await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()));

    expect(result).toEqual({ linesDone: LINES, ordersDone: history.length });
    expect(await prisma.orderFact.count({ where: { shop } })).toBe(history.length);
    expect(await statsOf(shop)).toEqual(expectedStats);

    const ada = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: String(ADA) } } });
    expect(ada).toMatchObject({ displayName: "Ada Lovelace", email: `customer${ADA}@example.com` });
    const discounted = await prisma.orderFact.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: "4" } } });
    expect(discounted.discountCodes).toBe("SAVE10");
    const settings = await prisma.programSettings.findUniqueOrThrow({ where: { shop } });
    expect(settings.currencyCode).toBe("USD");
  });

  it("reads a file path as well as a stream, and a second ingest of the same file changes nothing", async () => {
    const shop = newShop("ingest-twice");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ingest-")), "orders.jsonl");
    fs.writeFileSync(file, historyJsonl());

    await ingestBulkOrdersJsonl(shop, file);
    const first = await statsOf(shop);
    await ingestBulkOrdersJsonl(shop, file);

    expect(await statsOf(shop)).toEqual(first);
    expect(first).toEqual(expectedStats);
    expect(await prisma.orderFact.count({ where: { shop } })).toBe(history.length);
  });

  it("resumes after a crash from the last committed line without counting twice", async () => {
    const shop = newShop("ingest-resume");
    const sync = await startHistorySync(shop, { method: "bulk" });
    const crash = new Error("process killed");

    // Batches of 3 orders; the process dies right after the first batch commits.
    await expect(
      ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
        batchSize: 3,
        historySyncId: sync.id,
        onProgress: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const afterCrash = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(afterCrash.ordersIngested).toBe(3);
    expect(afterCrash.processedLines).toBeGreaterThan(0);
    expect(afterCrash.processedLines).toBeLessThan(LINES);

    const progress: number[] = [];
    const resumed = await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
      batchSize: 3,
      historySyncId: sync.id,
      startAtLine: afterCrash.processedLines,
      onProgress: (lines) => void progress.push(lines),
    });

    expect(resumed.ordersDone).toBe(history.length - 3);
    expect(progress.at(-1)).toBe(LINES);
    const done = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(done).toMatchObject({ processedLines: LINES, ordersIngested: history.length });
    expect(await statsOf(shop)).toEqual(expectedStats);
  });

  it("stages a batch holding a stored order, and merges what a crash left staged without counting twice", async () => {
    const shop = newShop("ingest-staged");
    const other = newShop("ingest-staged-other");
    const sync = await startHistorySync(shop, { method: "bulk" });
    const crash = new Error("process killed");
    let batches = 0;
    // Webhooks stored orders 1 and 4 (the first and second batches of 3) before the sync:
    // those batches cannot go straight into OrderFact and are staged. Another shop's
    // sync, whose first batch holds a stored order too, dies with that batch staged.
    await upsertOrderSnapshots(shop, [history[0], history[3]].map((o) => orderSnapshotFromWebhook(orderWebhookPayload(o))));
    await upsertOrderSnapshots(other, [orderSnapshotFromWebhook(orderWebhookPayload(history[2]))]);

    // Merged after every staged batch; dies after the second batch commits, before its merge.
    await expect(
      ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
        batchSize: 3,
        mergeEvery: 3,
        historySyncId: sync.id,
        onProgress: () => {
          if (++batches === 2) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    await expect(
      ingestBulkOrdersJsonl(other, chunkedStream(historyJsonl()), { batchSize: 3, onProgress: () => { throw crash; } }),
    ).rejects.toBe(crash);
    // Orders 1 and 4 from the webhooks, 2 and 3 merged from the first batch; 4–6 staged.
    expect(await prisma.orderFact.count({ where: { shop } })).toBe(4);
    expect(await prisma.orderFactStaging.count({ where: { shop } })).toBe(3);
    expect(await prisma.orderFactStaging.count({ where: { shop: other } })).toBe(3);

    const afterCrash = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(afterCrash.ordersIngested).toBe(6);
    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
      batchSize: 3,
      historySyncId: sync.id,
      startAtLine: afterCrash.processedLines,
    });

    expect(await prisma.orderFact.count({ where: { shop } })).toBe(history.length);
    expect(await prisma.orderFactStaging.count({ where: { shop } })).toBe(0);
    expect(await statsOf(shop)).toEqual(expectedStats);
    // The other shop's staged orders are its own, still waiting for its resume.
    expect(await prisma.orderFactStaging.count({ where: { shop: other } })).toBe(3);
    // Read again from the start: its first batch is staged a second time, and counted once.
    await ingestBulkOrdersJsonl(other, chunkedStream(historyJsonl()), { batchSize: 3 });
    expect(await prisma.orderFact.count({ where: { shop: other } })).toBe(history.length);
    expect(await statsOf(other)).toEqual(expectedStats);
    expect(await prisma.orderFactStaging.count()).toBe(0);
  });

  it("keeps the newer snapshot when a staged order meets a newer webhook", async () => {
    const shop = newShop("ingest-staged-newer");
    const crash = new Error("process killed");
    // The export staged order 8 (Linus), then a webhook moved it to Ada with a later update.
    await expect(
      ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), { onProgress: () => { throw crash; } }),
    ).rejects.toBe(crash);
    const moved = orderWebhookPayload({ ...history[7], customerId: ADA, updatedAt: "2024-04-01T00:00:00Z" });
    await upsertOrderSnapshots(shop, [orderSnapshotFromWebhook(moved)]);
    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), { startAtLine: LINES });

    const stats = await statsOf(shop);
    expect(stats[String(LINUS)]).toMatchObject({ orderCount: 0, netSpentCents: 0 });
    expect(stats[String(ADA)]).toMatchObject({ orderCount: 3, netSpentCents: 35_050 });
  });

  it("folds the staged profiles in at the end: newer ones only, never over an erased customer", async () => {
    const shop = newShop("ingest-profiles");
    // Before the sync: Ada updated her profile after the export's (2024-01-01), Linus's
    // stored profile is older than it, Grace asked to be forgotten.
    await upsertOrderSnapshots(shop, [orderSnapshotFromWebhook(orderWebhookPayload({ id: 60, customerId: ADA, processedAt: "2024-04-01T10:00:00Z", totalCents: 1_000 }))]);
    await upsertCustomerProfiles(shop, [
      customerProfileFromWebhook({ id: ADA, first_name: "Ada", last_name: "King", email: "ada@king.example", updated_at: "2024-06-01T00:00:00Z" }),
      customerProfileFromWebhook({ id: LINUS, first_name: "Old", last_name: "Name", email: "old@example.com", updated_at: "2023-06-01T00:00:00Z" }),
    ]);
    await eraseCustomerPersonalData(shop, String(GRACE));

    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()));

    const profiles = await prisma.customerStats.findMany({
      where: { shop },
      orderBy: { customerId: "asc" },
      select: { customerId: true, displayName: true, email: true, orderCount: true },
    });
    expect(profiles).toEqual([
      { customerId: String(ADA), displayName: "Ada King", email: "ada@king.example", orderCount: 3 },
      { customerId: String(GRACE), displayName: null, email: null, orderCount: 1 },
      { customerId: String(LINUS), displayName: "Linus", email: `customer${LINUS}@example.com`, orderCount: 1 },
    ]);
    expect(await prisma.customerProfileStaging.count({ where: { shop } })).toBe(0);
  });

  it("forgets a staged profile on customers/redact during the sync, and keeps it forgotten", async () => {
    const shop = newShop("ingest-redact");
    const sync = await startHistorySync(shop, { method: "bulk" });
    const crash = new Error("process killed");
    // The first batch (orders 1–3: Ada, Grace) is staged, then the process dies.
    await expect(
      ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
        batchSize: 3,
        historySyncId: sync.id,
        onProgress: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await prisma.customerProfileStaging.count({ where: { shop } })).toBe(2);

    await eraseCustomerPersonalData(shop, String(ADA));
    expect(await prisma.customerProfileStaging.count({ where: { shop, customerId: String(ADA) } })).toBe(0);
    const { processedLines } = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    // The resumed run reads Ada's later orders, with her profile, again.
    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), { batchSize: 3, historySyncId: sync.id, startAtLine: processedLines });

    const ada = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: String(ADA) } } });
    expect(ada).toMatchObject({ displayName: null, email: null, tags: "", orderCount: 2 });
    expect(ada.personalDataErasedAt).not.toBeNull();
    expect(await statsOf(shop)).toEqual(expectedStats);
    const grace = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: String(GRACE) } } });
    expect(grace.displayName).toBe("Grace Hopper");
  });

  it("names the line of a malformed order", async () => {
    const shop = newShop("ingest-bad");
    const text = historyJsonl().replace('"id":"gid://shopify/Order/4"', '"id":"gid://shopify/Order/4');
    await expect(ingestBulkOrdersJsonl(shop, chunkedStream(text))).rejects.toThrow(/line \d+/);
  });

  it("moves an order's counts when a newer snapshot names another customer", async () => {
    const shop = newShop("ingest-moved");
    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()));
    const moved = { ...history[7], customerId: ADA, updatedAt: "2024-04-01T00:00:00Z" };
    await ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl([moved])));

    const stats = await statsOf(shop);
    expect(stats[String(LINUS)]).toEqual({ orderCount: 0, netSpentCents: 0, firstOrderAt: null, lastOrderAt: null });
    expect(stats[String(ADA)]).toMatchObject({ orderCount: 3, netSpentCents: 35_050 });
  });
});

describe("ingest racing a webhook", () => {
  /** A transaction on a connection of its own that the test commits when it chooses. */
  async function heldTransaction(statement: string, values: unknown[]) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query("BEGIN");
    await client.query(statement, values);
    return {
      /** Waits until another session waits on this transaction's rows, then commits. */
      async commitOnceWaitedFor() {
        for (let tries = 0; ; tries++) {
          const { rows } = await client.query("SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'");
          if (rows.length > 0) break;
          if (tries > 400) throw new Error("nothing waited on the held transaction");
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await client.query("COMMIT");
        await client.end();
      },
    };
  }

  it("settles a staged order a webhook inserts while the merge runs, newer snapshot winning", async () => {
    const shop = newShop("race-merge");
    const crash = new Error("process killed");
    // Order 1 is stored, so the first batch (orders 1–3) is staged; the process dies after it.
    await upsertOrderSnapshots(shop, [orderSnapshotFromWebhook(orderWebhookPayload(history[0]))]);
    let processedLines = 0;
    await expect(
      ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), {
        batchSize: 3,
        onProgress: (lines) => {
          processedLines = lines;
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await prisma.orderFactStaging.count({ where: { shop } })).toBe(3);
    // A webhook's transaction inserts order 2 (Grace), cancelled later, while the resumed
    // ingest merges the staged one: the merge meets it only when inserting.
    const webhook = await heldTransaction(
      `INSERT INTO "OrderFact" ("shop", "orderId", "customerId", "processedAt", "totalCents", "refundedCents", "cancelledAt", "sourceUpdatedAt")
       VALUES ($1, '2', $2, '2024-01-11T10:00:00Z', 8000, 0, '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z')`,
      [shop, String(GRACE)],
    );
    const resumed = ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()), { batchSize: 3, startAtLine: processedLines });
    await webhook.commitOnceWaitedFor();
    await resumed;

    const order = await prisma.orderFact.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: "2" } } });
    expect(order.cancelledAt?.toISOString()).toBe("2024-06-01T00:00:00.000Z");
    expect(await prisma.orderFactStaging.count({ where: { shop } })).toBe(0);
    expect((await statsOf(shop))[String(GRACE)]).toMatchObject({ orderCount: 1, netSpentCents: 1_500 });
  });

  it("keeps a customer a webhook creates while the sync writes the customers", async () => {
    const shop = newShop("race-customers");
    const webhook = await heldTransaction(
      `INSERT INTO "CustomerStats" ("shop", "customerId", "displayName") VALUES ($1, $2, 'From a webhook')`,
      [shop, String(LINUS)],
    );
    const ingest = ingestBulkOrdersJsonl(shop, chunkedStream(historyJsonl()));
    await webhook.commitOnceWaitedFor();
    await ingest;

    expect(await statsOf(shop)).toEqual(expectedStats);
    const linus = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: String(LINUS) } } });
    expect(linus.displayName).toBe("From a webhook");
  });
});

describe("webhook deliveries", () => {
  // One order's life: placed, partly refunded, then cancelled with the rest refunded.
  const placed = orderWebhookPayload({
    id: 50, customerId: ADA, processedAt: "2024-05-01T10:00:00Z", updatedAt: "2024-05-01T10:00:00Z", totalCents: 6_000,
  });
  const partlyRefunded = orderWebhookPayload({
    id: 50, customerId: ADA, processedAt: "2024-05-01T10:00:00Z", updatedAt: "2024-05-02T10:00:00Z", totalCents: 6_000,
    refunds: [{ amountCents: 1_000 }],
  });
  const cancelled = orderWebhookPayload({
    id: 50, customerId: ADA, processedAt: "2024-05-01T10:00:00Z", updatedAt: "2024-05-03T10:00:00Z", totalCents: 6_000,
    cancelledAt: "2024-05-03T10:00:00Z", refunds: [{ amountCents: 1_000 }, { amountCents: 5_000 }],
  });
  const other = orderWebhookPayload({
    id: 51, customerId: ADA, processedAt: "2024-04-01T10:00:00Z", totalCents: 2_500,
  });

  async function deliver(shop: string, payloads: ReturnType<typeof orderWebhookPayload>[]) {
    for (const payload of payloads) {
      await upsertOrderSnapshots(shop, [orderSnapshotFromWebhook(payload)]);
    }
    return statsOf(shop);
  }

  it("reach the same totals whatever their order and however often they come", async () => {
    const inOrder = await deliver(newShop("wh-order"), [other, placed, partlyRefunded]);
    const reversed = await deliver(newShop("wh-reverse"), [partlyRefunded, placed, other]);
    const twice = await deliver(newShop("wh-twice"), [placed, other, placed, partlyRefunded, partlyRefunded, other]);

    expect(inOrder[String(ADA)]).toMatchObject({ orderCount: 2, netSpentCents: 2_500 + 5_000 });
    expect(reversed).toEqual(inOrder);
    expect(twice).toEqual(inOrder);
  });

  it("stop counting a cancelled order even when an older update arrives after it", async () => {
    const stats = await deliver(newShop("wh-cancel"), [other, cancelled, partlyRefunded, placed]);
    expect(stats[String(ADA)]).toMatchObject({ orderCount: 1, netSpentCents: 2_500, lastOrderAt: "2024-04-01T10:00:00.000Z" });
  });

  it("settle two snapshots with the same updatedAt the same way in either order", async () => {
    const sameInstant = (refunded: number) =>
      orderWebhookPayload({
        id: 52, customerId: GRACE, processedAt: "2024-05-01T10:00:00Z", updatedAt: "2024-05-05T10:00:00Z", totalCents: 4_000,
        refunds: refunded ? [{ amountCents: refunded }] : [],
      });
    const a = await deliver(newShop("wh-tie-a"), [sameInstant(0), sameInstant(1_500)]);
    const b = await deliver(newShop("wh-tie-b"), [sameInstant(1_500), sameInstant(0)]);
    expect(a[String(GRACE)]).toMatchObject({ orderCount: 1, netSpentCents: 2_500 });
    expect(b).toEqual(a);
  });

  it("count a replayed refunds/create once, before or after the order update that includes it", async () => {
    const shop = newShop("wh-refund");
    const refund = refundSnapshotFromWebhook(
      refundWebhookPayload({ id: 900, orderId: 50, amountCents: 1_000, createdAt: "2024-05-02T10:00:00Z" }),
      "USD",
    )!;

    await deliver(shop, [placed]);
    await recordRefunds(shop, [refund]);
    await recordRefunds(shop, [refund]);
    expect((await statsOf(shop))[String(ADA)]).toMatchObject({ orderCount: 1, netSpentCents: 5_000 });

    // The orders/updated for the same refund: still refunded once.
    await deliver(shop, [partlyRefunded]);
    expect((await statsOf(shop))[String(ADA)]).toMatchObject({ orderCount: 1, netSpentCents: 5_000 });

    // The refund arriving before its order is counted when the order comes.
    const early = newShop("wh-refund-early");
    await recordRefunds(early, [refund]);
    await deliver(early, [placed]);
    expect((await statsOf(early))[String(ADA)]).toMatchObject({ orderCount: 1, netSpentCents: 5_000 });

    // Refunding the rest makes the order fully refunded: it no longer counts.
    await recordRefunds(shop, [{ ...refund, refundId: "901", amountCents: 5_000 }]);
    expect((await statsOf(shop))[String(ADA)]).toMatchObject({ orderCount: 0, netSpentCents: 0 });
  });

  it("keep a newer profile and refuse an older customers/update", async () => {
    const shop = newShop("wh-profile");
    await deliver(shop, [placed]);
    const newer = customerProfileFromWebhook({ id: ADA, first_name: "Ada", last_name: "King", email: "ada@king.example", tags: "vip", updated_at: "2024-06-01T00:00:00Z" });
    const older = customerProfileFromWebhook({ id: ADA, first_name: "Ada", last_name: "Byron", email: "ada@byron.example", updated_at: "2024-02-01T00:00:00Z" });
    await upsertCustomerProfiles(shop, [newer]);
    await upsertCustomerProfiles(shop, [older]);

    const ada = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: String(ADA) } } });
    expect(ada).toMatchObject({ displayName: "Ada King", email: "ada@king.example", tags: "vip", orderCount: 1 });
  });

  it("run inside the caller's transaction, and roll back with it", async () => {
    const shop = newShop("wh-tx");
    await expect(
      prisma.$transaction(async (tx) => {
        await upsertOrderSnapshots(shop, [orderSnapshotFromWebhook(placed)], tx);
        throw new Error("handler failed");
      }),
    ).rejects.toThrow("handler failed");
    expect(await prisma.orderFact.count({ where: { shop } })).toBe(0);
    expect(await prisma.customerStats.count({ where: { shop } })).toBe(0);
  });
});

describe("shop isolation", () => {
  it("keeps two shops with the same order and customer ids apart", async () => {
    const first = newShop("iso-a");
    const second = newShop("iso-b");
    await ingestBulkOrdersJsonl(first, chunkedStream(historyJsonl()));
    // Same ids, other amounts: e.g. two local shops seeded alike.
    const otherHistory = history.map((o) => ({ ...o, totalCents: o.totalCents * 2, refundedCents: (o.refundedCents ?? 0) * 2 }));
    await ingestBulkOrdersJsonl(second, chunkedStream(historyJsonl(otherHistory)));
    const snapshot: OrderSnapshot = orderSnapshotFromWebhook(
      orderWebhookPayload({ id: 1, customerId: ADA, processedAt: "2024-01-10T10:00:00Z", updatedAt: "2024-06-01T00:00:00Z", totalCents: 10_000, cancelledAt: "2024-06-01T00:00:00Z" }),
    );
    await upsertOrderSnapshots(second, [snapshot]);

    expect(await statsOf(first)).toEqual(expectedStats);
    const secondStats = await statsOf(second);
    expect(secondStats[String(ADA)]).toMatchObject({ orderCount: 1, netSpentCents: 10_100 });
    expect(secondStats[String(LINUS)]).toMatchObject({ orderCount: 1, netSpentCents: 40_000 });
  });
});
