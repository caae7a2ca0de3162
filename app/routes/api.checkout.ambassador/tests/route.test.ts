import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import type { CustomerRecord, LocalShop } from "#/local-shop";
import { mintExtensionToken, type ExtensionTokenOptions } from "#/local-shop/extension-token";
import { daysAgo, ingestOrders } from "#/factories/orders";
import { testEnv } from "#/setup/test-env";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteStorefrontData, respond, seedAmbassador } from "~/models/Storefront/tests/storefront-fixtures";
import { action, loader } from "../route";

type TokenOverrides = Partial<Omit<ExtensionTokenOptions, "customerId">> & { customerId?: string | null };

const PATH = "/api/checkout/ambassador";
const ORIGIN = "https://extensions.shopifycdn.com";

function token(overrides: TokenOverrides = {}) {
  return mintExtensionToken({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, shop: TEST_SHOP, ...overrides });
}

function extensionRequest(method: "GET" | "POST" | "OPTIONS", auth: string | null) {
  return new Request(new URL(PATH, testEnv.SHOPIFY_APP_URL), {
    method,
    headers: {
      Origin: ORIGIN,
      "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      ...(method === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    body: method === "POST" ? "{}" : undefined,
  });
}

async function get(auth: string | null) {
  const response = await respond(() => loader({ request: extensionRequest("GET", auth), params: {}, context: {} }));
  return { status: response.status, headers: response.headers, body: response.status === 204 ? null : await response.json() };
}

async function tap(auth: string | null) {
  const response = await respond(() => action({ request: extensionRequest("POST", auth), params: {}, context: {} }));
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function writes() {
  const [applications, ambassadors, windows] = await Promise.all([
    prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP } }),
    prisma.ambassador.count({ where: { shop: TEST_SHOP } }),
    prisma.rateLimitWindow.count({ where: { shop: TEST_SHOP } }),
  ]);
  return { applications, ambassadors, windows };
}

describe("checkout extension endpoint /api/checkout/ambassador", () => {
  let localShop: LocalShop;
  let repeat: CustomerRecord;
  let once: CustomerRecord;
  let other: CustomerRecord;

  beforeAll(async () => {
    await deleteStorefrontData(TEST_SHOP);
    localShop = await startTestShop({ seed: { customers: 6, orders: 0, seed: 19 } });
    await adminClientFor(localShop);
    [repeat, once, other] = localShop.store.customers;
    await prisma.programSettings.create({ data: { shop: TEST_SHOP, minOrders: 2, recencyDays: 365, currencyCode: "USD" } });
    await prisma.ambassadorProgram.create({ data: { shop: TEST_SHOP, autoApprove: false } });
    await ingestOrders(TEST_SHOP, [
      { id: 1, customerId: repeat.id, processedAt: daysAgo(60), totalCents: 3000 },
      { id: 2, customerId: repeat.id, processedAt: daysAgo(2), totalCents: 4000 },
      { id: 3, customerId: once.id, processedAt: daysAgo(2), totalCents: 9000 },
      { id: 4, customerId: other.id, processedAt: daysAgo(30), totalCents: 2000 },
      { id: 5, customerId: other.id, processedAt: daysAgo(3), totalCents: 2000 },
    ]);
  });
  beforeEach(async () => {
    await prisma.rateLimitWindow.deleteMany({ where: { shop: TEST_SHOP } });
  });
  afterAll(async () => {
    await drainJobs();
    await deleteStorefrontData(TEST_SHOP);
    await localShop?.close();
  });

  it("invites a repeat buyer, CORS-readable and never cached", async () => {
    const { status, headers, body } = await get(token({ customerId: repeat.legacyResourceId }));
    expect(status).toBe(200);
    expect(headers.get("access-control-allow-origin")).toBe("*");
    expect(headers.get("cache-control")).toBe("private, no-store");
    expect(body).toEqual({ invite: true, membership: "none" });
  });

  it("does not invite a one-time buyer or a guest, and follows the merchant's choice", async () => {
    expect((await get(token({ customerId: once.legacyResourceId }))).body).toMatchObject({ invite: false });
    expect((await get(token())).body).toMatchObject({ invite: false, membership: "none" });

    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "everyone" } });
    expect((await get(token({ customerId: once.legacyResourceId }))).body).toMatchObject({ invite: true });
    expect((await get(token())).body).toMatchObject({ invite: false });

    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "nobody" } });
    expect((await get(token({ customerId: repeat.legacyResourceId }))).body).toMatchObject({ invite: false });
    const refused = await tap(token({ customerId: repeat.legacyResourceId }));
    expect(refused.status).toBe(403);
    expect(await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP } })).toBe(0);

    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "repeat_buyers" } });
  });

  it("answers the preflight with CORS headers", async () => {
    const response = await respond(() => loader({ request: extensionRequest("OPTIONS", null), params: {}, context: {} }));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("answers a missing, forged, expired, foreign-audience or other-shop token with 401 and writes nothing", async () => {
    const customerId = repeat.legacyResourceId;
    const bad: Array<[string, string | null]> = [
      ["missing", null],
      ["forged", token({ customerId, apiSecret: "not-the-app-secret" })],
      ["expired", token({ customerId, now: Date.now() - 10 * 60_000, ttlSeconds: 300 })],
      ["wrong audience", token({ customerId, aud: "another-app-client-id" })],
      ["wrong shop", token({ customerId, shop: "someone-else.myshopify.com" })],
      ["not a token", "abc.def.ghi"],
    ];
    const before = await writes();
    for (const [label, auth] of bad) {
      const read = await get(auth);
      const applied = await tap(auth);
      expect({ label, read: read.status, tap: applied.status }).toEqual({ label, read: 401, tap: 401 });
      expect(applied.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect(await writes()).toEqual(before);
  });

  it("applies with one tap: the Shopify name and email, linked to the customer; a double tap makes one application", async () => {
    const auth = token({ customerId: repeat.legacyResourceId });
    const [first, second] = await Promise.all([tap(auth), tap(auth)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ ok: true, status: "pending" });
    const applications = await prisma.ambassadorApplication.findMany({ where: { shop: TEST_SHOP, customerId: repeat.legacyResourceId } });
    expect(applications).toHaveLength(1);
    expect(applications[0]).toMatchObject({
      email: repeat.email!.toLowerCase(),
      name: [repeat.firstName, repeat.lastName].filter(Boolean).join(" "),
      status: "pending",
      submissions: 2,
    });
    expect((await get(auth)).body).toEqual({ invite: false, membership: "applied", application: { status: "pending" } });
  });

  it("approves at once when auto-approve is on, and the block then shows the code and share link", async () => {
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { autoApprove: true } });
    const auth = token({ customerId: other.legacyResourceId });
    const applied = await tap(auth);
    expect(applied.body).toMatchObject({ ok: true, status: "approved" });
    await drainJobs();
    const ambassador = await prisma.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: TEST_SHOP, customerId: other.legacyResourceId } },
    });
    const { body } = await get(auth);
    expect(body).toMatchObject({
      invite: false,
      membership: "ambassador",
      ambassador: { code: ambassador.code, status: "active", shareUrl: expect.stringContaining(ambassador.code!) },
    });
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { autoApprove: false } });
  });

  it("shows an existing ambassador their code without inviting them", async () => {
    const customer = localShop.store.customers[3];
    await seedAmbassador(TEST_SHOP, { customerId: customer.legacyResourceId, code: "MAYA123" });
    const { body } = await get(token({ customerId: customer.legacyResourceId }));
    expect(body).toMatchObject({ invite: false, membership: "ambassador", ambassador: { code: "MAYA123" } });
  });

  it("refuses a guest's tap: there is no account to link", async () => {
    const before = await writes();
    const { status } = await tap(token());
    expect(status).toBe(403);
    expect((await writes()).applications).toBe(before.applications);
  });

  it("cannot apply for a customer Shopify holds no email for, and says how to apply instead", async () => {
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "everyone" } });
    const phoneOnly = localShop.store.addCustomer({ firstName: "Pat", phone: "+15555550123" });
    const { status, body } = await tap(token({ customerId: phoneOnly.legacyResourceId }));
    expect(status).toBe(422);
    expect(body.message).toMatch(/no email address/);
    expect(await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP, customerId: phoneOnly.legacyResourceId } })).toBe(0);
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "repeat_buyers" } });
  });

  it("rate-limits taps per customer", async () => {
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "everyone" } });
    const auth = token({ customerId: localShop.store.customers[4].legacyResourceId });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await tap(auth)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { checkoutInvite: "repeat_buyers" } });
  });
});
