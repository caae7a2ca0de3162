import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import type { LocalShop } from "#/local-shop";
import { mintExtensionToken, type ExtensionTokenOptions } from "#/local-shop/extension-token";
import { testEnv } from "#/setup/test-env";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteStorefrontData, respond, seedAmbassador } from "~/models/Storefront/tests/storefront-fixtures";
import { action, loader } from "../route";

type TokenOverrides = Partial<Omit<ExtensionTokenOptions, "customerId">> & { customerId?: string | null };

function token(overrides: TokenOverrides = {}) {
  return mintExtensionToken({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, shop: TEST_SHOP, ...overrides });
}

function request(auth: string | null, body?: Record<string, string>) {
  return new Request(new URL("/api/customer-account/ambassador", testEnv.SHOPIFY_APP_URL), {
    method: body ? "POST" : "GET",
    headers: {
      Origin: "https://extensions.shopifycdn.com",
      "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function call(auth: string | null, body?: Record<string, string>) {
  const run = body ? () => action({ request: request(auth, body), params: {}, context: {} }) : () => loader({ request: request(auth), params: {}, context: {} });
  const response = await respond(run);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("customer account extension endpoint /api/customer-account/ambassador", () => {
  let localShop: LocalShop;

  beforeAll(async () => {
    await deleteStorefrontData(TEST_SHOP);
    localShop = await startTestShop({ seed: { customers: 4, orders: 0, seed: 23 } });
    await adminClientFor(localShop);
    await prisma.programSettings.create({ data: { shop: TEST_SHOP, currencyCode: "USD" } });
  });
  afterAll(async () => {
    await drainJobs();
    await deleteStorefrontData(TEST_SHOP);
    await localShop?.close();
  });

  it("shows an ambassador the portal's read model: code, link, numbers, rewards", async () => {
    const customer = localShop.store.customers[0];
    await seedAmbassador(TEST_SHOP, { customerId: customer.legacyResourceId, code: "NORA321", firstName: "Nora" });
    const { status, headers, body } = await call(token({ customerId: customer.legacyResourceId }));
    expect(status).toBe(200);
    expect(headers.get("access-control-allow-origin")).toBe("*");
    expect(body).toMatchObject({
      open: true,
      loggedIn: true,
      membership: "ambassador",
      ambassador: {
        firstName: "Nora",
        code: "NORA321",
        codeLive: true,
        shareUrl: expect.stringContaining("NORA321"),
        clicks: 0,
        orders: 0,
        rewards: { pending: expect.any(String), ready: expect.any(String), paid: expect.any(String) },
      },
    });
  });

  it("signs a customer up with their Shopify name and email (no invitation needed on the account page)", async () => {
    await prisma.ambassadorProgram.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, checkoutInvite: "nobody" }, update: { checkoutInvite: "nobody" } });
    const customer = localShop.store.customers[1];
    const auth = token({ customerId: customer.legacyResourceId });
    expect((await call(auth)).body).toMatchObject({ membership: "none", loggedIn: true });
    const applied = await call(auth, { intent: "apply" });
    expect(applied).toMatchObject({ status: 200, body: { ok: true, status: "pending" } });
    expect(await prisma.ambassadorApplication.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: customer.legacyResourceId } })).toMatchObject({
      email: customer.email!.toLowerCase(),
    });
    expect((await call(auth)).body).toMatchObject({ membership: "applied", application: { status: "pending" } });
  });

  it("takes content and feedback from the ambassador only, with field errors", async () => {
    const ambassador = token({ customerId: localShop.store.customers[0].legacyResourceId });
    expect(await call(ambassador, { intent: "content", url: "https://video.example/watch/1", note: "Unboxing" })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await prisma.contentSubmission.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect(await call(ambassador, { intent: "feedback", rating: "9", message: "" })).toMatchObject({
      status: 422,
      body: { ok: false, fieldErrors: { rating: expect.any(Object), message: expect.any(Object) } },
    });
    const stranger = token({ customerId: localShop.store.customers[2].legacyResourceId });
    expect((await call(stranger, { intent: "feedback", message: "Hello" })).status).toBe(403);
    expect((await call(token(), { intent: "apply" })).status).toBe(403);
  });

  it("answers forged, expired, foreign-audience and other-shop tokens with 401 and writes nothing", async () => {
    const customerId = localShop.store.customers[3].legacyResourceId;
    const before = await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP } });
    for (const auth of [
      token({ customerId, apiSecret: "forged-secret" }),
      token({ customerId, now: Date.now() - 3_600_000 }),
      token({ customerId, aud: "someone-elses-app" }),
      token({ customerId, shop: "not-installed.myshopify.com" }),
    ]) {
      expect((await call(auth)).status).toBe(401);
      expect((await call(auth, { intent: "apply" })).status).toBe(401);
    }
    expect(await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP } })).toBe(before);
  });
});
