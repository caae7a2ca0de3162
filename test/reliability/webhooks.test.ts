/**
 * Reliability suite, webhook half: every webhook route shopify.app.toml subscribes (read
 * from the toml, so a new subscription is covered, or fails here until it has a payload
 * below) against what Shopify, a proxy or an attacker can send it.
 *
 * - refused with 4xx and NOTHING written anywhere (row counts of every table before/after):
 *   tampered HMAC (401), each required header missing, a shop header that is not a
 *   myshopify.com domain, a body over MAX_WEBHOOK_BYTES (413, with and without
 *   Content-Length), a signed body that is not JSON;
 * - the same delivery ten times: the shop's rows after the tenth equal those after the first;
 * - deliveries of one order (create, updated, cancelled, refund), of a customer's profile
 *   and of scope changes in shuffled orders: the same final state as in order;
 * - compliance topics are answered and applied without calling Shopify.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";
import { MAX_WEBHOOK_BYTES } from "~/utils/webhook-request.server";
import { readAppToml, repoRoot } from "#/demo/app-config";
import { webhookRequest } from "#/utils/test-shop";
import { deleteShopData, orderWebhookPayload, refundWebhookPayload, uniqueShop } from "#/factories/orders";
import { signWebhookBody } from "#/local-shop/webhooks";
import { countChanges, rowCounts, shopRows } from "./database-snapshot";
import { recordReliability } from "./ledger";

type Action = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;

const CUSTOMER_ID = 4242;
const ORDER_ID = 7_700_000_001;

/** A valid payload for each subscribed topic, as Shopify sends it for `shop`. */
const payloads: Record<string, (shop: string) => unknown> = {
  "app/uninstalled": (shop) => ({ id: 1, name: "Shop", domain: shop, myshopify_domain: shop }),
  "app/scopes_update": (shop) => ({
    id: 1,
    shop_domain: shop,
    previous: ["read_orders", "read_customers"],
    current: ["read_orders"],
    updated_at: "2026-05-01T10:00:00Z",
  }),
  "orders/create": () => orderWebhookPayload({ id: ORDER_ID, customerId: CUSTOMER_ID, processedAt: "2026-05-01T10:00:00Z", totalCents: 5000 }),
  "orders/updated": () =>
    orderWebhookPayload({ id: ORDER_ID, customerId: CUSTOMER_ID, processedAt: "2026-05-01T10:00:00Z", updatedAt: "2026-05-02T10:00:00Z", totalCents: 5000 }),
  "orders/cancelled": () =>
    orderWebhookPayload({
      id: ORDER_ID,
      customerId: CUSTOMER_ID,
      processedAt: "2026-05-01T10:00:00Z",
      updatedAt: "2026-05-03T10:00:00Z",
      cancelledAt: "2026-05-03T10:00:00Z",
      totalCents: 5000,
    }),
  "refunds/create": () => refundWebhookPayload({ id: 990001, orderId: ORDER_ID, amountCents: 1500, createdAt: "2026-05-02T12:00:00Z" }),
  "customers/update": () => ({
    id: CUSTOMER_ID,
    first_name: "Grace",
    last_name: "Hopper",
    email: "grace@example.com",
    tags: "vip",
    updated_at: "2026-05-04T10:00:00Z",
  }),
  "bulk_operations/finish": () => ({
    admin_graphql_api_id: "gid://shopify/BulkOperation/123",
    completed_at: "2026-05-01T10:00:00Z",
    created_at: "2026-05-01T09:00:00Z",
    error_code: null,
    status: "completed",
    type: "query",
  }),
  "customers/data_request": (shop) => ({
    shop_id: 1,
    shop_domain: shop,
    orders_requested: [ORDER_ID],
    customer: { id: CUSTOMER_ID, email: "ada@example.com", phone: null },
    data_request: { id: 9999 },
  }),
  "customers/redact": (shop) => ({
    shop_id: 1,
    shop_domain: shop,
    customer: { id: CUSTOMER_ID, email: "ada@example.com", phone: null },
    orders_to_redact: [ORDER_ID],
  }),
  "shop/redact": (shop) => ({ shop_id: 1, shop_domain: shop }),
};

const toml = readAppToml();
const routes = toml.subscriptions.flatMap((subscription) =>
  subscription.topics.map((topic) => ({
    topic,
    uri: subscription.uri,
    // /webhooks/app/uninstalled → app/routes/webhooks.app.uninstalled.tsx
    file: path.join(repoRoot, "app/routes", `${subscription.uri.slice(1).replaceAll("/", ".")}.tsx`),
  })),
);
const actions = new Map<string, Action>();
const shops: string[] = [];
const tally = { inputsFuzzed: 0, faultsInjected: 0, duplicatesSent: 0, lost: 0 };

beforeAll(async () => {
  for (const route of routes) actions.set(route.topic, ((await import(route.file)) as { action: Action }).action);
});

afterEach(() => drainJobs());

afterAll(async () => {
  recordReliability({ suite: "webhooks", ...tally });
  await deleteShopData(...shops);
  const where = { shop: { in: shops } };
  await prisma.session.deleteMany({ where });
  await prisma.shop.deleteMany({ where });
  await prisma.webhookInbox.deleteMany({ where });
});

function newShop(label: string) {
  const shop = uniqueShop(label);
  shops.push(shop);
  return shop;
}

/** An installed shop holding a customer with one order. */
async function seedShop(shop: string) {
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "token", scope: "read_orders,read_customers" },
  });
  await prisma.shop.create({ data: { shop, scopes: "read_orders,read_customers" } });
  await prisma.orderFact.create({
    data: { shop, orderId: "7700000000", customerId: String(CUSTOMER_ID), processedAt: new Date("2026-04-01"), totalCents: 2000n, sourceUpdatedAt: new Date("2026-04-01") },
  });
  await prisma.customerStats.create({
    data: { shop, customerId: String(CUSTOMER_ID), orderCount: 1, netSpentCents: 2000n, displayName: "Ada Lovelace", email: "ada@example.com" },
  });
}

async function statusOf(topic: string, request: Request): Promise<number> {
  try {
    return (await actions.get(topic)!({ request, params: {}, context: {} })).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

const shopName = (shop: string) => shop.replace(/\.myshopify\.com$/, "");

function signed(route: { topic: string; uri: string }, shop: string, options: { webhookId?: string; payload?: unknown; triggeredAt?: string } = {}) {
  return webhookRequest(route.uri, route.topic, options.payload ?? payloads[route.topic](shop), {
    webhookId: options.webhookId,
    shopName: shopName(shop),
  }).then((request) => {
    if (options.triggeredAt) request.headers.set("X-Shopify-Triggered-At", options.triggeredAt);
    return request;
  });
}

/** A delivery with this exact raw body, signed with the app's secret. */
async function signedRaw(route: { topic: string; uri: string }, shop: string, body: string, headers: Record<string, string> = {}) {
  const template = await signed(route, shop);
  const request = new Request(template.url, { method: "POST", headers: template.headers, body });
  request.headers.set("X-Shopify-Hmac-Sha256", signWebhookBody(body, API_SECRET_KEY));
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return request;
}

/** Counts a broken invariant in the ledger before asserting it. */
function expectNoChange(changes: string[]) {
  if (changes.length > 0) tally.lost += changes.length;
  expect(changes).toEqual([]);
}

const REQUIRED_HEADERS = ["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-API-Version"];

describe("every subscribed topic has a payload in this suite", () => {
  it.each(routes.map((route) => [route.topic]))("%s", (topic) => {
    expect(payloads[topic], `add a payload for ${topic} to the reliability suite`).toBeTypeOf("function");
  });
});

describe.each(routes)("webhook $topic ($uri)", (route) => {
  /** Sends what `make` builds, expects `status`, and checks that no table changed. */
  async function refused(make: (shop: string) => Promise<Request>, expected: (status: number) => void) {
    const shop = newShop("refused");
    await seedShop(shop);
    const request = await make(shop);
    const before = await rowCounts();
    tally.inputsFuzzed++;
    const status = await statusOf(route.topic, request);
    await drainJobs();
    await drainWebhookInbox(shop);
    expectNoChange(countChanges(before, await rowCounts()));
    expected(status);
  }

  it("a valid delivery is answered 200", async () => {
    const shop = newShop("valid");
    await seedShop(shop);
    expect(await statusOf(route.topic, await signed(route, shop))).toBe(200);
  });

  it("a valid delivery behind proxies that added many headers is answered 200", async () => {
    const shop = newShop("proxied");
    await seedShop(shop);
    const request = await signed(route, shop);
    for (let hop = 0; hop < 40; hop++) request.headers.set(`X-Proxy-Hop-${hop}`, `10.0.0.${hop}`);
    request.headers.set("X-Forwarded-For", "203.0.113.7");
    expect(await statusOf(route.topic, request)).toBe(200);
  });

  it("a tampered body (HMAC of another body) → 401, nothing written", async () => {
    await refused(
      async (shop) => {
        const request = await signed(route, shop);
        const body = JSON.stringify({ ...(payloads[route.topic](shop) as object), id: 666 });
        return new Request(request.url, { method: "POST", headers: request.headers, body });
      },
      (status) => expect(status).toBe(401),
    );
  });

  it("a forged HMAC header → 401, nothing written", async () => {
    await refused(
      async (shop) => {
        const request = await signed(route, shop);
        request.headers.set("X-Shopify-Hmac-Sha256", signWebhookBody("{}", "not-the-app-secret"));
        return request;
      },
      (status) => expect(status).toBe(401),
    );
  });

  it.each(REQUIRED_HEADERS)("without %s → 4xx, nothing written", async (header) => {
    await refused(
      async (shop) => {
        const request = await signed(route, shop);
        request.headers.delete(header);
        return request;
      },
      (status) => {
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      },
    );
  });

  it.each(["shop.example.com", "evil.myshopify.com.example.com", "", "../../etc.myshopify.com", "UPPER.myshopify.com"])(
    "signed, but the shop header is %j → 400, nothing written",
    async (domain) => {
      await refused(
        async (shop) => {
          const request = await signed(route, shop);
          request.headers.set("X-Shopify-Shop-Domain", domain);
          return request;
        },
        (status) => expect(status).toBe(400),
      );
    },
  );

  it.each([
    ["with", true],
    ["without", false],
  ] as const)("a signed body over the limit, %s Content-Length → 413, nothing written", async (_label, withLength) => {
    await refused(
      async (shop) => {
        const padding = "x".repeat(MAX_WEBHOOK_BYTES);
        const body = JSON.stringify({ ...(payloads[route.topic](shop) as object), note: padding });
        const request = await signedRaw(route, shop, body);
        if (withLength) request.headers.set("Content-Length", String(Buffer.byteLength(body)));
        else request.headers.delete("Content-Length");
        return request;
      },
      (status) => expect(status).toBe(413),
    );
  });

  it.each(["{", "not json", "", "{\"id\": 1,}", "\u0000\u0001"])("a signed body that is not JSON (%j) → 4xx, nothing written", async (body) => {
    await refused(
      (shop) => signedRaw(route, shop, body),
      (status) => {
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      },
    );
  });

  it("the same delivery ten times has one effect", async () => {
    const shop = newShop("replay");
    await seedShop(shop);
    const webhookId = crypto.randomUUID();
    const seeded = await shopRows(shop);
    let afterFirst: Awaited<ReturnType<typeof shopRows>> | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (attempt > 0) tally.duplicatesSent++;
      expect(await statusOf(route.topic, await signed(route, shop, { webhookId }))).toBe(200);
      await drainJobs();
      await drainWebhookInbox(shop);
      if (attempt === 0) afterFirst = await shopRows(shop);
    }
    const afterTenth = await shopRows(shop);
    // A replay that wrote again (or a first delivery that wrote nothing) is a lost effect.
    const effectMissing = JSON.stringify(afterFirst) === JSON.stringify(seeded);
    const doubled = JSON.stringify(afterTenth) !== JSON.stringify(afterFirst);
    tally.lost += Number(effectMissing) + Number(doubled);
    expect(afterFirst).not.toEqual(seeded);
    expect(afterTenth).toEqual(afterFirst);
  });
});

describe("compliance webhooks", () => {
  it("shop/redact leaves no row of the shop in any table but its own delivery id", async () => {
    const route = routes.find((r) => r.topic === "shop/redact")!;
    const shop = newShop("redact");
    await seedShop(shop);
    await prisma.customerDataRequest.create({ data: { shop, customerId: String(CUSTOMER_ID), email: "ada@example.com" } });
    const webhookId = crypto.randomUUID();
    expect(await statusOf(route.topic, await signed(route, shop, { webhookId }))).toBe(200);
    await drainWebhookInbox(shop);
    const { WebhookInbox: deliveries, ...rest } = await shopRows(shop);
    const left = Object.entries(rest).filter(([, rows]) => rows.length > 0);
    tally.lost += left.length;
    expect(left).toEqual([]);
    expect(deliveries.map((row) => JSON.parse(row) as object)).toEqual([expect.objectContaining({ webhookId, payload: null })]);
  });

  const compliance = routes.filter((route) => /^(customers\/data_request|customers\/redact|shop\/redact)$/.test(route.topic));

  it("cover the three mandatory topics", () => {
    expect(compliance.map((route) => route.topic).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
  });

  it.each(compliance)("$topic is answered and applied without calling Shopify", async (route) => {
    const shop = newShop("quick");
    await seedShop(shop);
    const realFetch = globalThis.fetch;
    const shopifyCalls: string[] = [];
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (/myshopify\.com|shopify\.com/.test(new URL(url).hostname)) shopifyCalls.push(url);
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      expect(await statusOf(route.topic, await signed(route, shop))).toBe(200);
      await drainWebhookInbox(shop);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(shopifyCalls).toEqual([]);
  });
});

/** Rows compared across delivery orders: the state, not when or through which delivery it was written. */
const VOLATILE = ["shop", "id", "webhookId", "createdAt", "updatedAt", "receivedAt", "processedAt", "attempts", "computedAt", "staleSince", "installedAt"];

async function finalState(shop: string) {
  const rows = await shopRows(shop, VOLATILE);
  return {
    OrderFact: rows.OrderFact,
    RefundFact: rows.RefundFact,
    CustomerStats: rows.CustomerStats,
    AttributedOrder: rows.AttributedOrder,
    Shop: rows.Shop,
    Session: rows.Session,
    // The ledger is append-only: different orders append different entries, same balance.
    rewardBalance: (await prisma.rewardEntry.aggregate({ where: { shop }, _sum: { amountCents: true } }))._sum.amountCents?.toString() ?? "0",
  };
}

describe("reordered deliveries reach the same final state", () => {
  const route = (topic: string) => routes.find((r) => r.topic === topic)!;
  const profile = (name: string, updatedAt: string) => ({
    id: CUSTOMER_ID,
    first_name: name,
    last_name: "Test",
    email: `${name.toLowerCase()}@example.com`,
    tags: "",
    updated_at: updatedAt,
  });
  const deliveries = [
    { topic: "orders/create", payload: payloads["orders/create"]("") },
    { topic: "orders/updated", payload: payloads["orders/updated"]("") },
    { topic: "refunds/create", payload: payloads["refunds/create"]("") },
    { topic: "orders/cancelled", payload: payloads["orders/cancelled"]("") },
    { topic: "customers/update", payload: profile("Early", "2026-05-01T00:00:00Z") },
    { topic: "customers/update", payload: profile("Late", "2026-05-05T00:00:00Z") },
    {
      topic: "app/scopes_update",
      payload: { id: 1, previous: [], current: ["read_orders", "read_customers"] },
      triggeredAt: "2026-05-01T00:00:00Z",
    },
    { topic: "app/scopes_update", payload: { id: 1, previous: [], current: ["read_orders"] }, triggeredAt: "2026-05-06T00:00:00Z" },
  ];

  async function deliverAll(order: number[]) {
    const shop = newShop("reorder");
    await seedShop(shop);
    for (const index of order) {
      const delivery = deliveries[index];
      const status = await statusOf(
        delivery.topic,
        await signed(route(delivery.topic), shop, { payload: delivery.payload, triggeredAt: delivery.triggeredAt }),
      );
      expect(status).toBe(200);
      await drainWebhookInbox(shop);
    }
    await drainJobs();
    return finalState(shop);
  }

  it("in any order of an order's create / update / refund / cancel, two profiles and two scope changes", async () => {
    const inOrder = await deliverAll(deliveries.map((_, index) => index));
    expect(inOrder.Shop[0]).toContain('"scopes":"read_orders"');
    expect(inOrder.CustomerStats[0]).toContain('"displayName":"Late Test"');
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(deliveries.map((_, index) => index), { minLength: deliveries.length }), async (order) => {
        tally.inputsFuzzed++;
        tally.duplicatesSent += deliveries.length;
        const state = await deliverAll(order);
        const same = JSON.stringify(state) === JSON.stringify(inOrder);
        if (!same) tally.lost++;
        expect(state).toEqual(inOrder);
      }),
      { numRuns: 8 },
    );
  });
});
