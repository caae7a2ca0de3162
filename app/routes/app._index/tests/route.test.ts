import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import { startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { adminLoad } from "#/utils/route-calls";
import type { LocalShop } from "#/local-shop";
import { action as scopesUpdate } from "../../webhooks.app.scopes_update";
import { loader } from "../route";
import { historySyncView } from "../../app.history-sync/history-sync-view";

const load = () => adminLoad(loader, "/app");

describe("admin home", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    // A session left by another file holds a token this fresh shop never issued; a sync
    // left by another file would keep the install from starting one.
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await deleteShopData(TEST_SHOP);
    shop = await startTestShop();
  });
  afterAll(async () => {
    await drainJobs();
    await shop.close();
    await deleteShopData(TEST_SHOP);
  });

  it("shows the store's name and its customer and order counts, read through the Admin API", async () => {
    const { overview } = await load();

    expect(overview.name).toBe(shop.store.shop.name);
    expect(overview.domain).toBe(TEST_SHOP);
    expect(overview.customerCount).toBe(shop.store.customers.length);
    expect(overview.orderCount).toBe(shop.store.orders.length);
    expect(overview.customerCountIsLowerBound).toBe(false);
  });

  it("gets its offline access token by token exchange and keeps it in the database", async () => {
    const session = await prisma.session.findFirst({ where: { shop: TEST_SHOP, isOnline: false } });
    expect(session?.accessToken).toBeTruthy();
    expect(session?.scope?.split(",")).toContain("read_orders");
  });

  it("shows the history sync the install started, until it has read every order", async () => {
    await drainJobs();
    const { sync } = await load();
    expect(sync).toMatchObject({
      status: "completed",
      method: "bulk",
      ordersIngested: shop.store.orders.length,
      objectCount: shop.store.orders.length,
      error: null,
      ordersReadableSince: null,
    });
  });

  it("shows the latest run, its error and the 60-day limit as plain data", async () => {
    const since = new Date(Date.now() - 60 * 86_400_000);
    const run = await startHistorySync(TEST_SHOP, {
      method: "paginated",
      ordersReadableSince: since,
    });
    expect((await load()).sync).toMatchObject({
      id: run.id,
      status: "running",
      method: "paginated",
      finishedAt: null,
      ordersReadableSince: since.toISOString(),
    });
    await finishHistorySync(TEST_SHOP, run.id, {
      error: "Shopify's export failed (ACCESS_DENIED).",
    });
    expect((await load()).sync).toMatchObject({
      status: "failed",
      error: "Shopify's export failed (ACCESS_DENIED).",
    });
    expect(historySyncView(null)).toBeNull();
  });

  it("says which features a withdrawn scope switches off, once app/scopes_update reports it", async () => {
    expect((await load()).withdrawnFeatures).toEqual([]);
    const current = shop.store.grantedScopes.filter((scope) => !/discounts|store_credit/.test(scope));
    const request = await webhookRequest("/webhooks/app/scopes_update", "app/scopes_update", { id: 1, previous: shop.store.grantedScopes, current });
    const original = [...shop.store.grantedScopes];
    shop.store.grantedScopes = current; // Shopify no longer grants them
    try {
      expect((await scopesUpdate({ request, params: {}, context: {} })).status).toBe(200);
      await drainJobs();
      const session = await prisma.session.findFirst({ where: { shop: TEST_SHOP, isOnline: false } });
      expect(session?.scope).toBe(current.join(","));
      const { withdrawnFeatures } = await load();
      expect(withdrawnFeatures).toEqual([
        expect.stringMatching(/ambassador codes/),
        expect.stringMatching(/store credit/),
      ]);
    } finally {
      shop.store.grantedScopes = original;
      await prisma.session.updateMany({ where: { shop: TEST_SHOP }, data: { scope: original.join(",") } });
    }
  });
});
