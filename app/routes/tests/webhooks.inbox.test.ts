/**
 * The webhook inbox: every delivery is stored and acknowledged, then applied by the
 * shop's webhook-inbox job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { webhookRequest } from "#/utils/test-shop";
import { signWebhookBody } from "#/local-shop/webhooks";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { drainWebhookInbox, recoverWebhookInbox } from "~/jobs/webhook-inbox.server";
import { drainJobs } from "~/jobs/runner.server";
import * as processing from "~/models/WebhookInbox/processing.server";
import * as orderWebhooks from "~/models/OrderHistory/order-webhooks.server";
import { deliveriesNotApplied, INBOX_MAX_ATTEMPTS, storeDelivery } from "~/models/WebhookInbox/WebhookInbox.server";
import { action as ordersCreate } from "../webhooks.orders.create";
import { action as ordersUpdated } from "../webhooks.orders.updated";
import { action as refundsCreate } from "../webhooks.refunds.create";
import { action as customersUpdate } from "../webhooks.customers.update";
import { action as customersRedact } from "../webhooks.customers.redact";
import { action as shopRedact } from "../webhooks.shop.redact";

const SHOP_NAME = uniqueShop("inbox").replace(".myshopify.com", "");
const SHOP = `${SHOP_NAME}.myshopify.com`;
let nextOrderId = 8_800_000_000;

function orderPayload(overrides: Record<string, unknown> = {}) {
  const id = nextOrderId++;
  const at = "2026-05-01T10:00:00Z";
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    cancelled_at: null,
    test: false,
    currency: "USD",
    presentment_currency: "USD",
    total_price: "20.00",
    total_price_set: { shop_money: { amount: "20.00", currency_code: "USD" }, presentment_money: { amount: "20.00", currency_code: "USD" } },
    total_discounts: "0.00",
    discount_codes: [],
    customer: { id: 4242, first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", tags: "", updated_at: at },
    refunds: [],
    ...overrides,
  };
}

type Action = typeof ordersCreate;

async function statusOf(action: Action, request: Request) {
  try {
    return (await action({ request, params: {}, context: {} })).status;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

async function post(payload: unknown, webhookId: string = crypto.randomUUID()) {
  return statusOf(ordersCreate, await webhookRequest("/webhooks/orders/create", "orders/create", payload, { webhookId, shopName: SHOP_NAME }));
}

/**
 * Holds the inbox job before it reads anything, until the returned function is called:
 * deliveries stored meanwhile wait, as they would behind a busy job.
 */
function holdInbox() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const applyInboxBatch = processing.applyInboxBatch;
  vi.spyOn(processing, "applyInboxBatch").mockImplementation(async (shop) => {
    await gate;
    return applyInboxBatch(shop);
  });
  return release;
}

const facts = () => prisma.orderFact.count({ where: { shop: SHOP } });
const inbox = (where: object = {}) => prisma.webhookInbox.count({ where: { shop: SHOP, ...where } });

describe("webhook inbox", () => {
  beforeEach(async () => {
    await deleteShopData(SHOP);
    await prisma.webhookInbox.deleteMany({ where: { shop: SHOP } });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await drainJobs();
    await deleteShopData(SHOP);
    await prisma.webhookInbox.deleteMany({ where: { shop: SHOP } });
  });

  it("acknowledges 50 concurrent deliveries, then applies them all and keeps no payload", async () => {
    const statuses = await Promise.all(Array.from({ length: 50 }, () => post(orderPayload())));
    expect(statuses).toEqual(Array(50).fill(200));
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(50);
    // Applied: no payload kept (customer data), the id stays for dedupe.
    expect(await inbox({ processedAt: { not: null }, payload: null })).toBe(50);
  });

  it("a delivery stored but never woken for (the process died) is applied by boot recovery, once", async () => {
    const payload = orderPayload();
    const webhookId = crypto.randomUUID();
    // The route's one write happened; the process died before it sent the job.
    await storeDelivery("ORDERS_CREATE", { webhookId, shop: SHOP, payload });
    expect(await recoverWebhookInbox()).toContain(SHOP);
    await recoverWebhookInbox(); // twice, as two overlapping boots would
    await drainJobs();
    expect(await facts()).toBe(1);
    expect(await inbox({ processedAt: null })).toBe(0);
    // Shopify's retry of the same delivery after the restart: acknowledged, no second effect.
    expect(await post(payload, webhookId)).toBe(200);
    await drainWebhookInbox(SHOP);
    expect(await inbox()).toBe(1);
    expect(await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ orderCount: 1 });
  });

  it("stores the same delivery sent ten times once and applies it once", async () => {
    const webhookId = crypto.randomUUID();
    const payload = orderPayload();
    const statuses = await Promise.all(Array.from({ length: 5 }, () => post(payload, webhookId)));
    for (let i = 0; i < 5; i++) statuses.push(await post(payload, webhookId));
    expect(statuses).toEqual(Array(10).fill(200));
    await drainWebhookInbox(SHOP);
    expect(await inbox()).toBe(1);
    expect(await facts()).toBe(1);
    expect(await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ orderCount: 1 });
  });

  it("a wrong signature gets 401 and a body that is not JSON 400; nothing is stored", async () => {
    const forged = await webhookRequest("/webhooks/orders/create", "orders/create", orderPayload(), { shopName: SHOP_NAME });
    forged.headers.set("X-Shopify-Hmac-Sha256", "d3Jvbmc=");
    expect(await statusOf(ordersCreate, forged)).toBe(401);
    // Signed with the app's secret, but not JSON.
    const template = await webhookRequest("/webhooks/orders/create", "orders/create", {}, { shopName: SHOP_NAME });
    const notJson = new Request(template.url, { method: "POST", headers: template.headers, body: "{ not json" });
    notJson.headers.set("X-Shopify-Hmac-Sha256", signWebhookBody("{ not json", API_SECRET_KEY));
    expect(await statusOf(ordersCreate, notJson)).toBe(400);
    await drainJobs();
    expect(await inbox()).toBe(0);
  });

  it("keeps a delivery it can neither apply nor re-read, with its error for the merchant, and applies the others", async () => {
    expect(await post(orderPayload())).toBe(200);
    // Signed JSON from the shop, but no order id to apply or to re-read from Shopify.
    const unusableId = crypto.randomUUID();
    expect(await post({ id: "not a number", updated_at: "2026-05-01T10:00:00Z" }, unusableId)).toBe(200);
    expect(await post(orderPayload())).toBe(200);
    await drainWebhookInbox(SHOP);

    expect(await facts()).toBe(2);
    const kept = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: unusableId } });
    expect(kept).toMatchObject({ processedAt: null, attempts: INBOX_MAX_ATTEMPTS });
    expect(kept.payload).toContain("not a number");
    expect(await deliveriesNotApplied(SHOP)).toEqual([
      expect.objectContaining({ webhookId: unusableId, topic: "ORDERS_CREATE", lastError: expect.stringMatching(/could not be read.*id/) }),
    ]);
  });

  it("retries a delivery whose apply fails on its own, applies the others, and gives up after its attempts", async () => {
    const release = holdInbox();
    vi.spyOn(orderWebhooks, "applyCustomerWebhook").mockRejectedValue(new Error("connection reset"));
    expect(await post(orderPayload())).toBe(200);
    const failingId = crypto.randomUUID();
    const profile = { id: 5151, first_name: "Grace", last_name: "Hopper", email: "grace@example.com", tags: "", updated_at: "2026-05-01T10:00:00Z" };
    const request = await webhookRequest("/webhooks/customers/update", "customers/update", profile, { webhookId: failingId, shopName: SHOP_NAME });
    expect(await statusOf(customersUpdate, request)).toBe(200);
    expect(await post(orderPayload())).toBe(200);
    release();
    await drainWebhookInbox(SHOP);

    expect(await facts()).toBe(2);
    const failed = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: failingId } });
    expect(failed).toMatchObject({ processedAt: null, attempts: INBOX_MAX_ATTEMPTS, lastError: "connection reset" });
    // Left alone afterwards: later deliveries are not held up by it.
    expect(await post(orderPayload())).toBe(200);
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(3);
    expect((await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: failingId } })).attempts).toBe(INBOX_MAX_ATTEMPTS);
  });

  it("customers/redact erases the customer's deliveries still waiting behind it; shop/redact the shop's inbox", async () => {
    const release = holdInbox();
    expect(await post(orderPayload())).toBe(200);
    const redact = await webhookRequest(
      "/webhooks/customers/redact",
      "customers/redact",
      { shop_domain: SHOP, customer: { id: 4242, email: "ada@example.com" }, orders_to_redact: [] },
      { shopName: SHOP_NAME },
    );
    expect(await statusOf(customersRedact, redact)).toBe(200);
    // A late retry of one of Ada's orders, and another customer's order.
    const late = crypto.randomUUID();
    expect(await post(orderPayload(), late)).toBe(200);
    expect(await post(orderPayload({ customer: { id: 5555, email: "other@example.com", updated_at: "2026-05-01T10:00:00Z" } }))).toBe(200);
    release();
    await drainWebhookInbox(SHOP);

    const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP } });
    expect(rows.filter((row) => row.payload !== null)).toEqual([]);
    expect(rows.find((row) => row.webhookId === late)?.lastError).toMatch(/Erased by customers\/redact/);
    expect(await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP, customerId: "4242" } })).toMatchObject({
      displayName: null,
      email: null,
    });
    // Ada's first order (before the request) and the other customer's; not the late one.
    expect(await facts()).toBe(2);

    const request = await webhookRequest("/webhooks/shop/redact", "shop/redact", { shop_id: 1, shop_domain: SHOP }, { shopName: SHOP_NAME });
    expect(await statusOf(shopRedact, request)).toBe(200);
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(0);
    // Only its own id stays, so that a redelivery is still a no-op.
    expect(await prisma.webhookInbox.findMany({ where: { shop: SHOP }, select: { topic: true } })).toEqual([{ topic: "SHOP_REDACT" }]);
  });
});

describe("webhook inbox batches", () => {
  const oneByOne = uniqueShop("inbox-single");
  const batched = uniqueShop("inbox-batch");
  const shops = [oneByOne, batched];
  const clean = async () => {
    await deleteShopData(...shops);
    await prisma.webhookInbox.deleteMany({ where: { shop: { in: shops } } });
  };
  beforeEach(clean);
  afterEach(async () => {
    vi.restoreAllMocks();
    await drainJobs();
    await clean();
  });

  async function seedAmbassadors(shop: string) {
    for (const [k, code] of ["ANNA", "BEN", "CARL"].entries()) {
      const ambassador = await prisma.ambassador.create({
        data: { shop, customerId: String(700 + k), email: `${code.toLowerCase()}@example.com`, status: "active", source: "candidate", code, activatedAt: new Date() },
      });
      await prisma.ambassadorCode.create({
        data: { shop, ambassadorId: ambassador.id, code, wanted: "active", shopifyState: "present", activatedAt: new Date() },
      });
    }
  }

  /** Orders with and without codes (repeat buyers, a self-referral), an edit, a refund. */
  function story() {
    const at = (minutes: number) => new Date(Date.parse("2026-05-01T10:00:00Z") + minutes * 60_000).toISOString();
    const customer = (id: number) => ({ id, first_name: "C", last_name: String(id), email: `c${id}@example.com`, tags: "", updated_at: at(0) });
    const coded = (code: string, buyer: number, minutes: number, extra: Record<string, unknown> = {}) =>
      orderPayload({
        created_at: at(minutes), processed_at: at(minutes), updated_at: at(minutes),
        customer: customer(buyer), total_discounts: "5.00",
        discount_codes: [{ code, amount: "5.00", type: "fixed_amount" }], ...extra,
      });
    const first = coded("ANNA", 1, 0);
    const second = coded("anna", 1, 5); // same buyer again: not a new customer
    const self = coded("BEN", 701, 6); // Ben's own code
    const plain = orderPayload({ created_at: at(-10), processed_at: at(-10), updated_at: at(-10), customer: customer(2) });
    const later = coded("CARL", 2, 10); // buyer 2 bought before (plain): not new
    const edited = { ...first, total_price: "15.00", updated_at: at(20) };
    const refund = { id: 990001, order_id: second.id, created_at: at(30), transactions: [{ kind: "refund", status: "success", amount: "4.00", currency: "USD" }] };
    return [
      ["orders/create", first], ["orders/create", second], ["orders/create", self], ["orders/create", later],
      ["orders/create", plain], ["orders/updated", edited], ["refunds/create", refund],
    ] as const;
  }

  const ROUTES = {
    "orders/create": ["/webhooks/orders/create", ordersCreate],
    "orders/updated": ["/webhooks/orders/updated", ordersUpdated],
    "refunds/create": ["/webhooks/refunds/create", refundsCreate],
  } as const;

  async function send(shop: string, topic: keyof typeof ROUTES, payload: unknown) {
    const [uri, action] = ROUTES[topic];
    const request = await webhookRequest(uri, topic, payload, { shopName: shop.replace(".myshopify.com", "") });
    expect((await action({ request, params: {}, context: {} })).status).toBe(200);
  }

  async function outcome(shop: string) {
    const codeOf = new Map((await prisma.ambassador.findMany({ where: { shop } })).map((a) => [a.id, a.code]));
    const attributedOrders = (await prisma.attributedOrder.findMany({ where: { shop }, orderBy: { orderId: "asc" } })).map(
      ({ createdAt: _c, updatedAt: _u, shop: _s, ambassadorId, ...row }) => ({ ...row, ambassador: codeOf.get(ambassadorId) }),
    );
    const rewards = (await prisma.rewardEntry.findMany({ where: { shop }, orderBy: { sourceKey: "asc" } })).map(
      ({ id: _i, createdAt: _c, shop: _s, ambassadorId, payoutId: _p, ...row }) => ({ ...row, ambassador: codeOf.get(ambassadorId) }),
    );
    const flags = (await prisma.fraudFlag.findMany({ where: { shop }, orderBy: { sourceKey: "asc" } })).map((flag) => [flag.kind, flag.sourceKey]);
    const stats = (await prisma.customerStats.findMany({ where: { shop }, orderBy: { customerId: "asc" } })).map(
      ({ customerId, orderCount, netSpentCents }) => ({ customerId, orderCount, netSpentCents }),
    );
    return { attributedOrders, rewards, flags, stats };
  }

  it("leave the same attribution, rewards, flags and stats as applying deliveries one by one", async () => {
    await seedAmbassadors(oneByOne);
    await seedAmbassadors(batched);
    const deliveries = story();
    for (const [topic, payload] of deliveries) {
      await send(oneByOne, topic, payload);
      await drainWebhookInbox(oneByOne);
    }
    const release = holdInbox();
    for (const [topic, payload] of deliveries) await send(batched, topic, payload);
    release();
    await drainWebhookInbox(batched);

    const expected = await outcome(oneByOne);
    expect(expected.attributedOrders).toHaveLength(4);
    expect(expected.flags).not.toHaveLength(0);
    expect(await outcome(batched)).toEqual(expected);
  });
});
