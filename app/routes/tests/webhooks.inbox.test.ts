/**
 * The webhook inbox: order and refund deliveries are acknowledged once stored (group
 * commit) and applied by the inbox processor.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { webhookRequest } from "#/utils/test-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { drainWebhookInbox, holdWebhookInboxForTests, recoverWebhookInbox } from "~/jobs/webhook-inbox.server";
import { drainJobs } from "~/jobs/runner.server";
import { inboxCommitCount, INBOX_MAX_ATTEMPTS } from "~/models/WebhookInbox/WebhookInbox.server";
import { action as ordersCreate } from "../webhooks.orders.create";
import { action as ordersUpdated } from "../webhooks.orders.updated";
import { action as refundsCreate } from "../webhooks.refunds.create";
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

async function post(payload: unknown, webhookId: string = crypto.randomUUID()) {
  const request = await webhookRequest("/webhooks/orders/create", "orders/create", payload, { webhookId, shopName: SHOP_NAME });
  try {
    return (await ordersCreate({ request, params: {}, context: {} })).status;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

const facts = () => prisma.orderFact.count({ where: { shop: SHOP } });
const inbox = (where: object = {}) => prisma.webhookInbox.count({ where: { shop: SHOP, ...where } });

describe("webhook inbox", () => {
  beforeEach(async () => {
    await deleteShopData(SHOP);
    await prisma.webhookInbox.deleteMany({ where: { shop: SHOP } });
  });
  afterEach(async () => {
    holdWebhookInboxForTests(false);
    await drainJobs();
    await deleteShopData(SHOP);
    await prisma.webhookInbox.deleteMany({ where: { shop: SHOP } });
  });

  it("stores 50 concurrent deliveries in a few commits, then applies them all", async () => {
    const before = inboxCommitCount();
    const statuses = await Promise.all(Array.from({ length: 50 }, () => post(orderPayload())));
    expect(statuses).toEqual(Array(50).fill(200));
    expect(inboxCommitCount() - before).toBeLessThanOrEqual(5);
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(50);
    // Applied: no payload kept (customer data), the id stays for dedupe.
    expect(await inbox({ processedAt: { not: null }, payload: null })).toBe(50);
  });

  it("applies once after a crash between the acknowledgement and the processing", async () => {
    holdWebhookInboxForTests(true); // the processor never ran: as if the process died
    const payload = orderPayload();
    expect(await post(payload)).toBe(200);
    await drainJobs();
    expect(await facts()).toBe(0);

    holdWebhookInboxForTests(false); // "restart": boot recovery finds it
    expect(await recoverWebhookInbox()).toContain(SHOP);
    await recoverWebhookInbox(); // twice, as two overlapping boots would
    await drainJobs();
    expect(await facts()).toBe(1);
    expect(await inbox({ processedAt: null })).toBe(0);
    // Shopify's retry of the same delivery after the restart: a no-op.
    expect(await post(payload, (await prisma.webhookInbox.findFirstOrThrow({ where: { shop: SHOP } })).webhookId)).toBe(200);
    await drainWebhookInbox(SHOP);
    expect(await inbox()).toBe(1);
    expect(await facts()).toBe(1);
  });

  it("isolates a delivery that cannot be applied, with its error, and applies the others", async () => {
    holdWebhookInboxForTests(true);
    const good = [orderPayload(), orderPayload()];
    expect(await post(good[0])).toBe(200);
    // A delivery the parser accepted when it arrived but that no longer applies (e.g. the
    // parser changed since): stored as-is, then broken.
    const poisonId = crypto.randomUUID();
    expect(await post(orderPayload(), poisonId)).toBe(200);
    await prisma.webhookInbox.update({ where: { webhookId: poisonId }, data: { payload: JSON.stringify({ id: "not a number" }) } });
    expect(await post(good[1])).toBe(200);

    holdWebhookInboxForTests(false);
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(2);
    const poison = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: poisonId } });
    expect(poison).toMatchObject({ processedAt: null, attempts: INBOX_MAX_ATTEMPTS });
    expect(poison.lastError).toBeTruthy();
    // Left alone afterwards: later deliveries are not held up by it.
    expect(await post(orderPayload())).toBe(200);
    await drainWebhookInbox(SHOP);
    expect(await facts()).toBe(3);
    expect((await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: poisonId } })).attempts).toBe(INBOX_MAX_ATTEMPTS);
  });

  it("stores the same delivery ten times once and applies it once", async () => {
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

  it("stores nothing for a malformed payload (422) or a wrong signature (401)", async () => {
    expect(await post({ updated_at: "2026-05-01T10:00:00Z" })).toBe(422);
    const request = await webhookRequest("/webhooks/orders/create", "orders/create", orderPayload(), { shopName: SHOP_NAME });
    request.headers.set("X-Shopify-Hmac-Sha256", "d3Jvbmc=");
    const status = await ordersCreate({ request, params: {}, context: {} }).then(
      (response) => response.status,
      (error: unknown) => (error instanceof Response ? error.status : 0),
    );
    expect(status).toBe(401);
    expect(await inbox()).toBe(0);
  });

  it("customers/redact erases that customer's unapplied payloads; shop/redact the shop's inbox", async () => {
    holdWebhookInboxForTests(true);
    expect(await post(orderPayload())).toBe(200);
    expect(await post(orderPayload({ customer: { id: 5555, email: "other@example.com", updated_at: "2026-05-01T10:00:00Z" } }))).toBe(200);
    const redact = await webhookRequest(
      "/webhooks/customers/redact",
      "customers/redact",
      { shop_domain: SHOP, customer: { id: 4242, email: "ada@example.com" }, orders_to_redact: [] },
      { shopName: SHOP_NAME },
    );
    expect((await customersRedact({ request: redact, params: {}, context: {} })).status).toBe(200);
    const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP } });
    expect(rows.filter((row) => row.payload?.includes("ada@example.com"))).toHaveLength(0);
    expect(rows.filter((row) => row.payload !== null)).toHaveLength(1);

    holdWebhookInboxForTests(false);
    await drainWebhookInbox(SHOP);
    // Ada's order was dropped with its payload; the other one was applied.
    expect(await prisma.customerStats.findFirstOrThrow({ where: { shop: SHOP, customerId: "4242" } })).toMatchObject({
      displayName: null,
      email: null,
      orderCount: 0,
    });
    expect(await facts()).toBe(1);

    const redactShop = await webhookRequest("/webhooks/shop/redact", "shop/redact", { shop_id: 1, shop_domain: SHOP }, { shopName: SHOP_NAME });
    expect((await shopRedact({ request: redactShop, params: {}, context: {} })).status).toBe(200);
    expect(await inbox()).toBe(0);
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
    holdWebhookInboxForTests(false);
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
    holdWebhookInboxForTests(true);
    for (const [topic, payload] of deliveries) await send(batched, topic, payload);
    holdWebhookInboxForTests(false);
    await drainWebhookInbox(batched);

    const expected = await outcome(oneByOne);
    expect(expected.attributedOrders).toHaveLength(4);
    expect(expected.flags).not.toHaveLength(0);
    expect(await outcome(batched)).toEqual(expected);
  });
});
