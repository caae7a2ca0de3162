import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, print, type OperationDefinitionNode, type FieldNode } from "graphql";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { OrderHistoryBulkQuery } from "~/graphql/OrderHistoryBulkQuery";
import { OrderHistoryPageQuery } from "~/graphql/OrderHistoryPageQuery";
import { orderAmounts, type LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { startHistorySync } from "../HistorySync.server";
import { bulkQueryOfSync, continueHistorySync, requestHistorySync, type SyncOptions } from "../OrderHistorySync.server";

const FAST: SyncOptions = { pollIntervalMs: 10, pageSize: 25, throttleBackoffMs: 10 };
const ALL_SCOPES = ["read_all_orders"];

/** What the shop holds: per customer, orders that count (not cancelled, test or fully refunded). */
function expectedStats(shop: LocalShop) {
  const stats = new Map<string, { orderCount: number; netSpentCents: number }>();
  for (const order of shop.store.orders) {
    if (order.customerId === null || order.cancelledAt !== null || order.test) continue;
    const { totalCents, refundedCents } = orderAmounts(order);
    if (refundedCents >= totalCents) continue;
    const id = String(order.customerId);
    const entry = stats.get(id) ?? { orderCount: 0, netSpentCents: 0 };
    entry.orderCount += 1;
    entry.netSpentCents += totalCents - refundedCents;
    stats.set(id, entry);
  }
  return stats;
}

async function storedStats() {
  const rows = await prisma.customerStats.findMany({ where: { shop: TEST_SHOP, orderCount: { gt: 0 } } });
  return new Map(rows.map((r) => [r.customerId, { orderCount: r.orderCount, netSpentCents: Number(r.netSpentCents) }]));
}

/** Marketing consent per buying customer: what the shop holds, and what the app stored. */
async function consent(shop: LocalShop) {
  const rows = await prisma.customerStats.findMany({ where: { shop: TEST_SHOP, orderCount: { gt: 0 } } });
  const stored = new Map(rows.map((r) => [r.customerId, [r.emailSubscribed, r.smsSubscribed]]));
  const expected = new Map(
    rows.map((r) => {
      const customer = shop.store.customers.find((c) => c.legacyResourceId === r.customerId)!;
      return [
        r.customerId,
        [customer.email !== null && customer.emailMarketingState === "SUBSCRIBED", customer.phone !== null && customer.smsMarketingState === "SUBSCRIBED"],
      ];
    }),
  );
  return { stored, expected };
}

async function clearShopData() {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
}

describe("history sync", () => {
  let shop: LocalShop;
  let graphql: AdminGraphqlClient;

  afterEach(async () => {
    await shop?.close();
  });
  afterAll(clearShopData);

  describe("through a bulk operation", () => {
    beforeEach(async () => {
      await clearShopData();
      shop = await startTestShop({ seed: { customers: 80, orders: 320, seed: 11 }, bulkChunkDelayMs: 5 });
      graphql = await adminClientFor(shop);
    });

    it("stores exactly the counts and spend the shop holds for every customer", async () => {
      const sync = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      expect(sync.method).toBe("bulk");
      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST);

      expect(finished?.status).toBe("completed");
      expect(finished?.ordersIngested).toBe(shop.store.orders.length);
      expect(finished?.objectCount).toBe(shop.store.orders.length);
      expect(await storedStats()).toEqual(expectedStats(shop));
      // Email and SMS marketing consent come with the customer.
      const { stored, expected } = await consent(shop);
      expect(stored).toEqual(expected);
      expect([...stored.values()].some(([email]) => email === true)).toBe(true);
    });

    it("resumes after a crash mid-ingest without counting anything twice", async () => {
      const sync = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      let batches = 0;
      const crashAfterFirstBatch = {
        ...FAST,
        ingestBatchSize: 50,
        onProgress: () => {
          if (++batches === 1) throw new Error("process killed");
        },
      };
      await expect(continueHistorySync(graphql, TEST_SHOP, sync.id, crashAfterFirstBatch)).rejects.toThrow(
        "process killed",
      );
      const interrupted = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
      expect(interrupted.finishedAt).toBeNull();
      expect(interrupted.processedLines).toBe(50);

      // The restarted app picks the run up where the committed batches ended.
      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, { ...FAST, ingestBatchSize: 50 });
      expect(finished?.status).toBe("completed");
      expect(finished?.ordersIngested).toBe(shop.store.orders.length);
      expect(await storedStats()).toEqual(expectedStats(shop));
    });

    it("resumes a run whose process died just after Shopify started its export: no second export", async () => {
      // A finished earlier run's export is not taken for this one.
      const earlier = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      await continueHistorySync(graphql, TEST_SHOP, earlier.id, FAST);
      // Claimed; Shopify started the export; the process died before recording its id.
      const sync = await startHistorySync(TEST_SHOP, { method: "bulk", ordersReadableSince: null });
      const { body } = await shop.graphql(
        `mutation($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } } }`,
        { query: bulkQueryOfSync(sync.id) },
      );
      const startedId = (body.data as { bulkOperationRunQuery: { bulkOperation: { id: string } } })
        .bulkOperationRunQuery.bulkOperation.id;
      expect(shop.store.bulkOperations.size).toBe(2);

      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST);
      expect(finished?.status).toBe("completed");
      expect(finished?.bulkOperationId).toBe(startedId);
      expect(shop.store.bulkOperations.size, "no export started for the retry").toBe(2);
      expect(finished?.ordersIngested).toBe(shop.store.orders.length);
    });

    it("starts its own export when those found are another run's (even one deleted since) or another query", async () => {
      const earlier = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      await continueHistorySync(graphql, TEST_SHOP, earlier.id, FAST);
      await prisma.historySync.delete({ where: { id: earlier.id } });
      await shop.graphql(`mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") { bulkOperation { id } } }`);
      const sync = await startHistorySync(TEST_SHOP, { method: "bulk", ordersReadableSince: null });

      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST);
      expect(finished?.status).toBe("completed");
      expect(shop.store.bulkOperations.size).toBe(3);
      expect([earlier.bulkOperationId, undefined]).not.toContain(finished?.bulkOperationId);
      expect(finished?.ordersIngested).toBe(shop.store.orders.length);
    });

    it("asks for the last 60 days only, and says so, when read_all_orders was not granted", async () => {
      const sync = await requestHistorySync(graphql, TEST_SHOP, ["read_orders"]);
      expect(sync.ordersReadableSince).toBeInstanceOf(Date);
      const days = (Date.now() - sync.ordersReadableSince!.getTime()) / 86_400_000;
      expect(Math.round(days)).toBe(60);
    });

    it("does not start a second run while one is going, even on simultaneous requests", async () => {
      const [first, second] = await Promise.all([
        requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES),
        requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES),
      ]);
      expect(second.id).toBe(first.id);
      expect(shop.store.bulkOperations.size).toBe(1);
      const third = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      expect(third.id).toBe(first.id);
      await continueHistorySync(graphql, TEST_SHOP, first.id, FAST);
    });
  });

  describe("page by page, where bulk operations are unavailable", () => {
    it("falls back to pages when Shopify refuses the bulk operation", async () => {
      await clearShopData();
      // Every bulk slot busy with slow exports: Shopify answers with userErrors.
      shop = await startTestShop({ seed: { customers: 20, orders: 60, seed: 5 }, bulkChunkDelayMs: 500, bulkChunkSize: 1 });
      graphql = await adminClientFor(shop);
      for (let i = 0; i < 5; i++) {
        await shop.graphql(`mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") { bulkOperation { id } userErrors { message } } }`);
      }
      for (const customer of shop.store.customers) {
        customer.phone ??= `+1555000${String(customer.id).padStart(4, "0")}`;
        if (customer.id % 2 === 0) customer.smsMarketingState = "SUBSCRIBED";
      }
      const sync = await requestHistorySync(graphql, TEST_SHOP, ALL_SCOPES);
      expect(sync.method).toBe("paginated");
      // The pages carry the customer's marketing consent as the bulk export does.
      expect((await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST))?.status).toBe("completed");
      const { stored, expected } = await consent(shop);
      expect(stored).toEqual(expected);
      expect([...stored.values()].some(([, sms]) => sms === true)).toBe(true);
    });

    it("paces itself on the throttle status and never gets THROTTLED", async () => {
      await clearShopData();
      // A small bucket that a few pages empty; the restore rate refills it quickly.
      shop = await startTestShop({
        seed: { customers: 60, orders: 240, seed: 9 },
        throttle: { bucketSize: 400, restoreRate: 2000 },
      });
      graphql = await adminClientFor(shop);
      const sync = await startHistorySync(TEST_SHOP, { method: "paginated" });
      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST);

      expect(finished?.status).toBe("completed");
      expect(shop.store.stats.throttled).toBe(0);
      expect(await storedStats()).toEqual(expectedStats(shop));
    });

    it("backs off and completes when another client drained the bucket", async () => {
      await clearShopData();
      shop = await startTestShop({
        seed: { customers: 30, orders: 90, seed: 4 },
        throttle: { bucketSize: 400, restoreRate: 1000 },
      });
      graphql = await adminClientFor(shop);
      // Someone else spends the whole bucket just before our first page.
      await shop.graphql(`{ customers(first: 100) { nodes { id amountSpent { amount } } } }`);
      await shop.graphql(`{ customers(first: 100) { nodes { id amountSpent { amount } } } }`);
      const sync = await startHistorySync(TEST_SHOP, { method: "paginated" });
      const finished = await continueHistorySync(graphql, TEST_SHOP, sync.id, FAST);

      expect(shop.store.stats.throttled).toBeGreaterThan(0);
      expect(finished?.status).toBe("completed");
      expect(await storedStats()).toEqual(expectedStats(shop));
    });
  });

  it("the paginated query reads the same order fields as the bulk query", () => {
    const orderFields = (source: string) => {
      const operation = parse(source).definitions[0] as OperationDefinitionNode;
      const orders = operation.selectionSet.selections[0] as FieldNode;
      const container = orders.selectionSet!.selections.find(
        (s) => (s as FieldNode).name.value === "edges" || (s as FieldNode).name.value === "nodes",
      ) as FieldNode;
      const node =
        container.name.value === "edges"
          ? (container.selectionSet!.selections[0] as FieldNode)
          : container;
      return print(node.selectionSet!);
    };
    expect(orderFields(OrderHistoryPageQuery)).toBe(orderFields(OrderHistoryBulkQuery));
  });
});
