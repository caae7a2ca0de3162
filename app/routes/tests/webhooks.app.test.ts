import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { webhookRequest } from "#/utils/test-shop";
import { action as uninstalled } from "../webhooks.app.uninstalled";
import { action as scopesUpdate } from "../webhooks.app.scopes_update";
import { action as shopRedact } from "../webhooks.shop.redact";
import { action as customersRedact } from "../webhooks.customers.redact";
import { action as customersDataRequest } from "../webhooks.customers.data_request";

type Action = typeof uninstalled;

/** Delivers the request; once it is answered, waits for the inbox job to apply what was stored. */
async function status(action: Action, request: Request): Promise<number> {
  try {
    const response = await action({ request, params: {}, context: {} });
    return response.status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  } finally {
    await drainJobs();
  }
}

async function clearShops() {
  await prisma.session.deleteMany();
  await prisma.shop.deleteMany();
  await prisma.webhookInbox.deleteMany();
}

afterAll(clearShops);

async function seedInstalledShop(shop = TEST_SHOP) {
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "token", scope: "read_orders" },
  });
  await prisma.shop.create({ data: { shop, scopes: "read_orders" } });
}

describe("app lifecycle webhooks", () => {
  beforeEach(async () => {
    await clearShops();
    await seedInstalledShop();
    await seedInstalledShop("other-shop.myshopify.com");
  });

  it("app/uninstalled removes the shop's sessions only, and marks it uninstalled", async () => {
    const request = await webhookRequest("/webhooks/app/uninstalled", "app/uninstalled", { id: 1 });
    expect(await status(uninstalled, request)).toBe(200);

    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: "other-shop.myshopify.com" } })).toBe(1);
    const shop = await prisma.shop.findUnique({ where: { shop: TEST_SHOP } });
    expect(shop?.uninstalledAt).toBeInstanceOf(Date);
  });

  it("app/scopes_update records the scopes the merchant granted", async () => {
    const request = await webhookRequest("/webhooks/app/scopes_update", "app/scopes_update", {
      id: 1,
      previous: ["read_orders"],
      current: ["read_orders", "read_customers"],
    });
    expect(await status(scopesUpdate, request)).toBe(200);

    const session = await prisma.session.findFirst({ where: { shop: TEST_SHOP } });
    expect(session?.scope).toBe("read_orders,read_customers");
    const shop = await prisma.shop.findUnique({ where: { shop: TEST_SHOP } });
    expect(shop?.scopes).toBe("read_orders,read_customers");
  });

  it("app/scopes_update with a payload it cannot read changes nothing and is kept with its error", async () => {
    const webhookId = crypto.randomUUID();
    const request = await webhookRequest("/webhooks/app/scopes_update", "app/scopes_update", { current: "read_customers" }, { webhookId });
    expect(await status(scopesUpdate, request)).toBe(200);
    const session = await prisma.session.findFirst({ where: { shop: TEST_SHOP } });
    expect(session?.scope).toBe("read_orders");
    const kept = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId } });
    expect(kept).toMatchObject({ processedAt: null, lastError: expect.stringMatching(/could not be read.*current/) });
  });

  it("a delivery with a wrong HMAC gets 401 and writes nothing", async () => {
    const signed = await webhookRequest("/webhooks/app/uninstalled", "app/uninstalled", { id: 1 });
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ id: 2 }),
    });
    expect(await status(uninstalled, tampered)).toBe(401);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect(await prisma.webhookInbox.count()).toBe(0);
  });

  it("the same delivery ten times has one effect", async () => {
    const webhookId = crypto.randomUUID();
    for (let attempt = 0; attempt < 10; attempt++) {
      const request = await webhookRequest("/webhooks/app/uninstalled", "app/uninstalled", { id: 1 }, { webhookId });
      expect(await status(uninstalled, request)).toBe(200);
      // The merchant reinstalls between Shopify's retries: a replayed uninstall must not log them out.
      if (attempt === 0) await prisma.session.create({
        data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", isOnline: false, accessToken: "new", scope: "" },
      });
    }
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect(await prisma.webhookInbox.count({ where: { webhookId } })).toBe(1);
  });
});

describe("compliance webhooks", () => {
  beforeEach(async () => {
    await clearShops();
    await seedInstalledShop();
    await seedInstalledShop("other-shop.myshopify.com");
  });

  it("shop/redact erases everything held on that shop and nothing of another", async () => {
    const request = await webhookRequest("/webhooks/shop/redact", "shop/redact", {
      shop_id: 1,
      shop_domain: TEST_SHOP,
    });
    expect(await status(shopRedact, request)).toBe(200);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.shop.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.shop.count({ where: { shop: "other-shop.myshopify.com" } })).toBe(1);
  });

  it.each([
    ["customers/redact", "/webhooks/customers/redact", customersRedact],
    ["customers/data_request", "/webhooks/customers/data_request", customersDataRequest],
    ["shop/redact", "/webhooks/shop/redact", shopRedact],
  ] as const)("%s answers 401 to a wrong HMAC and changes nothing", async (topic, uri, action) => {
    const request = await webhookRequest(uri, topic, { shop_domain: TEST_SHOP });
    request.headers.set("X-Shopify-Hmac-Sha256", "d3Jvbmc=");
    expect(await status(action, request)).toBe(401);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect(await prisma.webhookInbox.count()).toBe(0);
  });

  it.each([
    ["customers/redact", "/webhooks/customers/redact", customersRedact],
    ["customers/data_request", "/webhooks/customers/data_request", customersDataRequest],
  ] as const)("%s is acknowledged", async (topic, uri, action) => {
    const request = await webhookRequest(uri, topic, {
      shop_domain: TEST_SHOP,
      customer: { id: 1, email: "a@example.com" },
    });
    expect(await status(action, request)).toBe(200);
  });
});

