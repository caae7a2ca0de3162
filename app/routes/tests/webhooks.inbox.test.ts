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

  it("acknowledges a delivery only once its inbox row is committed", async () => {
    holdWebhookInboxForTests(true);
    // Something else holds the database's one connection: the inbox commit must wait.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocker = prisma.$transaction(async () => gate, { timeout: 10_000 });
    let answered = false;
    const response = post(orderPayload()).then((status) => ((answered = true), status));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    release();
    await blocker;
    expect(await response).toBe(200);
    // Stored, not applied yet (the processor is held).
    expect(await inbox({ processedAt: null })).toBe(1);
    expect(await facts()).toBe(0);
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
