import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import {
  finishHistorySync,
  latestHistorySync,
  startHistorySync,
} from "~/models/OrderHistory/HistorySync.server";
import type { LocalShop } from "#/local-shop";
import { readAppToml } from "#/demo/app-config";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost, answerOf } from "#/utils/route-calls";
import { clearTestShop } from "../../app.candidates._index/tests/seed";
import { loader as homeLoader } from "../../app._index/route";
import { action, safeReturnTo } from "../route";

const startSync = (returnTo?: string) =>
  answerOf(() => adminPost(action, "/app/history-sync", returnTo === undefined ? {} : { returnTo }));

const home = () => adminLoad(homeLoader, "/app");

/** A finished run, so that the install's afterAuth hook leaves the sync to the test. */
async function markSyncedBefore() {
  const old = await startHistorySync(TEST_SHOP, { method: "bulk" });
  await finishHistorySync(TEST_SHOP, old.id);
  await prisma.historySync.update({
    where: { id: old.id },
    data: { startedAt: new Date(Date.now() - 86_400_000) },
  });
}

describe("Sync order history", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await clearTestShop();
    await markSyncedBefore();
    shop = await startTestShop();
  });
  afterAll(async () => {
    await drainJobs();
    await shop?.close();
    await clearTestShop();
  });

  it("starts a sync in the background and sends the merchant back", async () => {
    const response = await startSync("/app/candidates");
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(302);
    expect(new URL((response as Response).headers.get("Location") ?? "", "http://x").pathname).toBe(
      "/app/candidates"
    );

    const started = await latestHistorySync(TEST_SHOP);
    expect(started).toMatchObject({ method: "bulk", finishedAt: null, ordersReadableSince: null });

    // A second press while it runs joins the same run.
    await startSync();
    expect((await latestHistorySync(TEST_SHOP))?.id).toBe(started?.id);

    // The home page shows it moving, then done: every order of the shop read.
    const during = await home();
    expect(during.sync?.id).toBe(started?.id);
    await drainJobs();
    const done = await home();
    expect(done.sync).toMatchObject({
      id: started?.id,
      status: "completed",
      method: "bulk",
      bulkStatus: "COMPLETED",
      ordersIngested: shop.store.orders.length,
      objectCount: shop.store.orders.length,
      error: null,
      ordersReadableSince: null,
    });
    expect(done.sync?.finishedAt).toEqual(expect.any(String));
  });

  it("only returns to pages of the app", () => {
    expect(safeReturnTo("/app/candidates?minOrders=3")).toBe("/app/candidates?minOrders=3");
    expect(safeReturnTo("/app")).toBe("/app");
    for (const unsafe of [
      "//evil.example",
      "https://evil.example/app",
      "/application",
      "/app\\..\\x",
      "/auth/login",
      null,
    ]) {
      expect(safeReturnTo(unsafe)).toBe("/app");
    }
  });
});

describe("Sync order history without read_all_orders", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await clearTestShop();
    await markSyncedBefore();
    const scopes = readAppToml().scopes.filter((scope) => scope !== "read_all_orders");
    shop = await startTestShop({ grantedScopes: scopes });
  });
  afterAll(async () => {
    await drainJobs();
    await shop?.close();
    await clearTestShop();
  });

  it("reads the last 60 days only and says since when", async () => {
    await startSync();
    await drainJobs();
    const { sync } = await home();
    expect(sync?.status).toBe("completed");
    const since = new Date(sync?.ordersReadableSince ?? 0).getTime();
    expect(Math.abs(since - (Date.now() - 60 * 86_400_000))).toBeLessThan(60_000);
    const recent = shop.store.orders.filter((o) => o.createdAt >= since).length;
    expect(recent).toBeLessThan(shop.store.orders.length);
    expect(sync?.ordersIngested).toBe(recent);
  });
});
