import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  customerWebhookPayload,
  DEFAULT_GRANTED_SCOPES,
  LocalShopStore,
  orderAmounts,
  orderWebhookPayload,
} from "#/local-shop";
import { webhookRequest } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { action as ordersCreate } from "../webhooks.orders.create";
import { action as ordersUpdated } from "../webhooks.orders.updated";
import { action as ordersCancelled } from "../webhooks.orders.cancelled";
import { action as refundsCreate } from "../webhooks.refunds.create";
import { action as customersUpdate } from "../webhooks.customers.update";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";
import { INBOX_MAX_ATTEMPTS } from "~/models/WebhookInbox/WebhookInbox.server";

type Action = typeof ordersCreate;
const ROUTES: Record<string, [string, Action]> = {
  "orders/create": ["/webhooks/orders/create", ordersCreate],
  "orders/updated": ["/webhooks/orders/updated", ordersUpdated],
  "orders/cancelled": ["/webhooks/orders/cancelled", ordersCancelled],
  "refunds/create": ["/webhooks/refunds/create", refundsCreate],
  "customers/update": ["/webhooks/customers/update", customersUpdate],
};

interface Delivery {
  topic: string;
  payload: unknown;
  webhookId: string;
}

async function deliver(shopName: string, { topic, payload, webhookId }: Delivery) {
  const [uri, action] = ROUTES[topic];
  // Shopify's delivery ids are unique across shops; the two shops here replay one story.
  const request = await webhookRequest(uri, topic, payload, { webhookId: `${shopName}:${webhookId}`, shopName });
  const response = await action({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  // Orders and refunds are stored, then applied by the inbox processor: wait for it.
  await drainWebhookInbox(`${shopName}.myshopify.com`);
}

/**
 * One customer's story as Shopify would tell it in webhooks: a partly refunded order (it
 * counts), a cancelled one and a fully refunded one (they don't), a guest order, and a
 * name change.
 */
function customerStory() {
  const store = new LocalShopStore({
    shopDomain: "story.myshopify.com",
    now: () => Date.parse("2026-05-01T10:00:00Z"),
    grantedScopes: DEFAULT_GRANTED_SCOPES,
  });
  const at = (minutes: number) => Date.parse("2026-05-01T10:00:00Z") + minutes * 60_000;
  const customer = store.addCustomer({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });
  const deliveries: Delivery[] = [];
  const send = (topic: string, payload: unknown) =>
    deliveries.push({ topic, payload: structuredClone(payload), webhookId: crypto.randomUUID() });
  const line = [{ title: "Mug", quantity: 2, unitPriceCents: 1500 }];

  const kept = store.addOrder({ customerId: customer.id, createdAt: at(0), lineItems: line });
  send("orders/create", orderWebhookPayload(store, kept));
  const partial = store.addRefund(kept.id, { amountCents: 1000, createdAt: at(10) });
  send("refunds/create", refundPayload(kept.id, partial, store.shop.currencyCode));
  send("orders/updated", orderWebhookPayload(store, kept));

  const cancelled = store.addOrder({ customerId: customer.id, createdAt: at(20), lineItems: line });
  send("orders/create", orderWebhookPayload(store, cancelled));
  store.cancelOrder(cancelled.id, { at: at(30) });
  send("orders/cancelled", orderWebhookPayload(store, cancelled));

  const refunded = store.addOrder({ customerId: customer.id, createdAt: at(40), lineItems: line });
  send("orders/create", orderWebhookPayload(store, refunded));
  const full = store.addRefund(refunded.id, { createdAt: at(50) });
  send("refunds/create", refundPayload(refunded.id, full, store.shop.currencyCode));

  const guest = store.addOrder({ customerId: null, createdAt: at(60), lineItems: line });
  send("orders/create", orderWebhookPayload(store, guest));

  customer.firstName = "Augusta Ada";
  customer.updatedAt = at(70);
  send("customers/update", customerWebhookPayload(store, customer));

  const { totalCents } = orderAmounts(kept);
  return { customer, deliveries, expected: { orderCount: 1, netSpentCents: totalCents - 1000 } };
}

function refundPayload(orderId: number, refund: { id: number; createdAt: number; amountCents: number }, currency: string) {
  return {
    id: refund.id,
    order_id: orderId,
    created_at: new Date(refund.createdAt).toISOString(),
    transactions: [{ kind: "refund", status: "success", amount: (refund.amountCents / 100).toFixed(2), currency }],
  };
}

const inOrder = "webhooks-in-order";
const shuffled = "webhooks-shuffled";
const shops = [inOrder, shuffled].map((name) => `${name}.myshopify.com`);

async function statsOf(shop: string, customerId: number) {
  const stats = await prisma.customerStats.findUniqueOrThrow({
    where: { shop_customerId: { shop, customerId: String(customerId) } },
  });
  return {
    orderCount: stats.orderCount,
    netSpentCents: Number(stats.netSpentCents),
    displayName: stats.displayName,
    lastOrderAt: stats.lastOrderAt?.toISOString(),
  };
}

describe("live order webhooks", () => {
  const story = customerStory();
  const cleanup = async () => {
    await deleteShopData(...shops);
    await prisma.webhookInbox.deleteMany({ where: { shop: { in: shops } } });
  };
  beforeAll(cleanup);
  afterAll(cleanup);

  it("keep a customer's counts and spend right: cancelled and fully refunded orders don't count", async () => {
    for (const delivery of story.deliveries) await deliver(inOrder, delivery);

    expect(await statsOf(shops[0], story.customer.id)).toMatchObject({
      ...story.expected,
      displayName: "Augusta Ada Lovelace",
    });
  });

  it("give the same result when deliveries repeat and arrive in any order", async () => {
    const reversed = [...story.deliveries].reverse();
    for (const delivery of reversed) {
      await deliver(shuffled, delivery);
      await deliver(shuffled, delivery); // Shopify retried the same delivery
    }
    // …and sent some events again under new delivery ids.
    for (const delivery of story.deliveries.slice(0, 4)) {
      await deliver(shuffled, { ...delivery, webhookId: crypto.randomUUID() });
    }

    expect(await statsOf(shops[1], story.customer.id)).toEqual(await statsOf(shops[0], story.customer.id));
    expect(await prisma.orderFact.count({ where: { shop: shops[1] } })).toBe(4);
  });

  // Without an id, or (orders/updated) without updated_at and no session to re-read the
  // order with: nothing can be applied, and the delivery stays visible with its error.
  it.each([
    ["orders/create", { updated_at: "2026-05-01T10:00:00Z", total_price: "10.00" }],
    ["orders/updated", { id: 5600000000099, total_price: "10.00" }],
    ["refunds/create", { id: 900000099, transactions: [] }],
    ["customers/update", { first_name: "No id" }],
  ])("acknowledge a %s payload they cannot apply, change nothing, and keep it with its error", async (topic, payload) => {
    const [uri, action] = ROUTES[topic];
    const shop = "webhooks-malformed";
    const webhookId = crypto.randomUUID();
    const request = await webhookRequest(uri, topic, payload, { webhookId, shopName: shop });
    const response = await action({ request, params: {}, context: {} });
    expect(response.status).toBe(200);
    await drainWebhookInbox(`${shop}.myshopify.com`);
    const where = { shop: `${shop}.myshopify.com` };
    expect(await prisma.orderFact.count({ where })).toBe(0);
    expect(await prisma.refundFact.count({ where })).toBe(0);
    expect(await prisma.customerStats.count({ where })).toBe(0);
    const kept = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId } });
    expect(kept).toMatchObject({ processedAt: null, attempts: INBOX_MAX_ATTEMPTS });
    expect(kept.lastError).toBeTruthy();
  });
});
