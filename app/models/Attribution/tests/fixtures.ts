/**
 * Attribution tests: ambassadors approved and provisioned in the local shop (their codes
 * live in its program discount), orders placed there, and their webhooks delivered to
 * the app's routes, signed as Shopify signs them.
 */
import { expect, vi } from "vitest";
import prisma from "~/db.server";
import * as Rewards from "~/models/Rewards/Rewards.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { approveCandidates } from "~/models/Ambassador/Ambassador.server";
import { provisionAmbassadors } from "~/models/Ambassador/CodeProvisioning.server";
import { orderWebhookPayload, type CustomerRecord, type LocalShop, type OrderRecord } from "#/local-shop";
import { webhookRequest, TEST_SHOP } from "#/utils/test-shop";
import { storeCandidates } from "#/factories/ambassadors";
import { deleteShopData } from "#/factories/orders";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersUpdated } from "~/routes/webhooks.orders.updated";
import { action as ordersCancelled } from "~/routes/webhooks.orders.cancelled";
import { action as refundsCreate } from "~/routes/webhooks.refunds.create";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";

export const PROGRAM_TITLE = "Ambassador program";

const ROUTES = {
  "orders/create": ["/webhooks/orders/create", ordersCreate],
  "orders/updated": ["/webhooks/orders/updated", ordersUpdated],
  "orders/cancelled": ["/webhooks/orders/cancelled", ordersCancelled],
  "refunds/create": ["/webhooks/refunds/create", refundsCreate],
} as const;

export type Topic = keyof typeof ROUTES;

export interface Delivery {
  topic: Topic;
  payload: unknown;
  webhookId: string;
}

/** Delivers one webhook to the app's route; expects 200. */
export async function deliver(delivery: Delivery, shopName?: string) {
  const [uri, action] = ROUTES[delivery.topic];
  const request = await webhookRequest(uri, delivery.topic, delivery.payload, {
    webhookId: shopName ? `${shopName}:${delivery.webhookId}` : delivery.webhookId,
    shopName,
  });
  const response = await action({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  // Acknowledged means stored: apply it before the test looks at the effects.
  await drainWebhookInbox(shopName ? `${shopName}.myshopify.com` : TEST_SHOP);
}

export function delivery(topic: Topic, payload: unknown): Delivery {
  return { topic, payload: structuredClone(payload), webhookId: crypto.randomUUID() };
}

export const orderDelivery = (shop: LocalShop, topic: Topic, order: OrderRecord) =>
  delivery(topic, orderWebhookPayload(shop.store, order));

export function refundDelivery(shop: LocalShop, order: OrderRecord, refund: { id: number; createdAt: number; amountCents: number }) {
  return delivery("refunds/create", {
    id: refund.id,
    order_id: order.id,
    created_at: new Date(refund.createdAt).toISOString(),
    transactions: [
      {
        kind: "refund",
        status: "success",
        amount: (refund.amountCents / 100).toFixed(2),
        currency: shop.store.shop.currencyCode,
      },
    ],
  });
}

const LINE = [{ title: "Mug", quantity: 2, unitPriceCents: 2500 }];

/** An order in the local shop that used `code` (as typed by the buyer). */
export function placeOrder(
  shop: LocalShop,
  buyer: CustomerRecord | null,
  code: string | null,
  options: { createdAt?: number; email?: string | null; discountCents?: number } = {},
) {
  return shop.store.addOrder({
    customerId: buyer?.id ?? null,
    email: options.email,
    createdAt: options.createdAt,
    lineItems: LINE,
    discountCodes: code ? [{ code, amountCents: options.discountCents ?? 500 }] : [],
  });
}

/** Empties the app's tables for the shops and the local shop's program discount. */
export async function freshShops(shop: LocalShop, ...others: string[]) {
  const shops = [TEST_SHOP, ...others];
  await deleteShopData(...shops);
  await prisma.webhookInbox.deleteMany({ where: { shop: { in: shops } } });
  await prisma.rewardSettings.deleteMany({ where: { shop: { in: shops } } });
  await prisma.shop.deleteMany({ where: { shop: { in: shops } } });
  for (const discount of shop.store.discounts.splice(0)) {
    for (const code of discount.codes.slice()) shop.store.removeRedeemCode(discount.id, code.id);
  }
}

/** Approves the customers and provisions their codes in the local shop. */
export async function makeAmbassadors(shop: LocalShop, graphql: AdminGraphqlClient, customers: CustomerRecord[]) {
  await storeCandidates(TEST_SHOP, customers);
  await approveCandidates(TEST_SHOP, customers.map((c) => c.legacyResourceId));
  await provisionAmbassadors(graphql, TEST_SHOP, { pollIntervalMs: 5, throttleBackoffMs: 5, maxCodeReplacements: 3 });
  const rows = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP } });
  return customers.map((customer) => {
    const ambassador = rows.find((a) => a.customerId === customer.legacyResourceId);
    if (!ambassador?.code) throw new Error(`no ambassador for ${customer.legacyResourceId}`);
    return { ...ambassador, code: ambassador.code, customer };
  });
}

/** Codes of the program discount in the local shop, upper case. */
export function programCodes(shop: LocalShop): string[] {
  const discount = shop.store.discounts.find((d) => d.title === PROGRAM_TITLE);
  return (discount?.codes ?? []).map((c) => c.code.toUpperCase()).sort();
}

/** The attributed order as the ledger and the dashboards read it (timestamps of the row left out). */
export async function attributed(shop: string, orderId: number | string) {
  const row = await prisma.attributedOrder.findUnique({
    where: { shop_orderId: { shop, orderId: String(orderId) } },
  });
  if (!row) return null;
  const { createdAt: _c, updatedAt: _u, ...rest } = row;
  return { ...rest, discountCents: Number(rest.discountCents), netCents: Number(rest.netCents) };
}

export interface LedgerCall {
  shop: string;
  orderIds: string[];
  cause: string;
}

/**
 * Watches the reward ledger (it still runs): each call as one entry per cause, in the
 * order the orders reached it. Restore with `vi.restoreAllMocks()`.
 */
export function watchLedger() {
  const ledger = vi.spyOn(Rewards, "applyAttributionChange");
  return {
    calls(): LedgerCall[] {
      return ledger.mock.calls.flatMap(([, shop, orderIds, cause]) => {
        const byCause = new Map<string, string[]>();
        for (const orderId of orderIds) {
          const key = typeof cause === "string" ? cause : cause(orderId);
          byCause.set(key, [...(byCause.get(key) ?? []), orderId]);
        }
        return [...byCause].map(([key, ids]) => ({ shop, orderIds: ids, cause: key }));
      });
    },
    clear: () => ledger.mockClear(),
  };
}
