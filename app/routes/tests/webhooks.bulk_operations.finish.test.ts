import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import {
  continueHistorySync,
  requestHistorySync,
} from "~/models/OrderHistory/OrderHistorySync.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";
import { action } from "../webhooks.bulk_operations.finish";

async function clear() {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
}

describe("bulk_operations/finish", () => {
  let shop: LocalShop;
  let graphql: AdminGraphqlClient;
  beforeAll(async () => {
    await clear();
    shop = await startTestShop({ seed: { customers: 20, orders: 60, seed: 2 }, bulkChunkDelayMs: 300 });
    graphql = await adminClientFor(shop);
  });
  afterAll(async () => {
    await shop.close();
    await clear();
  });

  it("wakes the sync waiting on that export instead of letting it poll again", async () => {
    const sync = await requestHistorySync(graphql, TEST_SHOP, ["read_all_orders"]);
    // Polling once a minute: only the webhook can finish this within the test's timeout.
    const running = continueHistorySync(graphql, TEST_SHOP, sync.id, {
      pollIntervalMs: 60_000,
      pageSize: 50,
      throttleBackoffMs: 10,
    });
    await shop.waitForBulkOperations();
    // Shopify has finished, but the sync saw it running and is asleep until its next poll.
    const asleep = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(asleep.finishedAt).toBeNull();
    expect(asleep.bulkStatus).not.toBe("COMPLETED");

    const request = await webhookRequest("/webhooks/bulk_operations/finish", "bulk_operations/finish", {
      admin_graphql_api_id: sync.bulkOperationId,
      status: "completed",
      type: "query",
    });
    expect((await action({ request, params: {}, context: {} })).status).toBe(200);

    const finished = await running;
    expect(finished?.status).toBe("completed");
    expect(finished?.ordersIngested).toBe(shop.store.orders.length);
  });

  it("keeps a payload without the operation id with its error, and wakes nothing", async () => {
    const webhookId = crypto.randomUUID();
    const request = await webhookRequest("/webhooks/bulk_operations/finish", "bulk_operations/finish", { status: "completed" }, { webhookId });
    expect((await action({ request, params: {}, context: {} })).status).toBe(200);
    await drainWebhookInbox(TEST_SHOP);
    const kept = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId } });
    expect(kept).toMatchObject({ processedAt: null, lastError: expect.stringMatching(/admin_graphql_api_id/) });
  });
});
