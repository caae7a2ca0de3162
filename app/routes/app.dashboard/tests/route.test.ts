import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import type { LocalShop } from "#/local-shop";
import { deleteShopData } from "#/factories/orders";
import { COHORT_DAYS, scenarioDates, seedAnalyticsScenario, seedCurrency } from "#/factories/analytics";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import * as analytics from "~/models/Analytics/Analytics.server";
import { action, loader } from "../route";

/** What the page shows once everything has streamed in. */
async function load(search = "") {
  const { data } = await adminLoad(loader, `/app/dashboard${search}`);
  return { ...data, ...(await data.live) };
}

describe("Dashboard page", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await deleteShopData(TEST_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    shop = await startTestShop({ seed: { customers: 3, orders: 0, seed: 5 } });
    // A finished history sync: the first request's install hook starts none.
    const sync = await startHistorySync(TEST_SHOP, { method: "bulk" });
    await finishHistorySync(TEST_SHOP, sync.id);
    await seedAnalyticsScenario(TEST_SHOP, new Date());
    await seedCurrency(TEST_SHOP, "JPY");
  });
  afterAll(async () => {
    await drainJobs();
    await deleteShopData(TEST_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  it("shows the last 30 days' figures live, and starts computing retention without waiting", async () => {
    const data = await load();
    expect(data.period.key).toBe("30d");
    expect(data.currencyCode).toBe("JPY");
    expect(data.figures).toMatchObject({ clicks: 15, orders: 3, revenueCents: 35_000, rewardCents: 4_500, discountCents: 3_500 });
    expect(data.top.map((a) => a.name)).toEqual(["Max Power", "Jane Doe"]);
    // Nothing cached yet: the page says it is computing, and the job has started.
    expect(data.retention.figures).toBeNull();
    expect(data.retention.refreshing).toBe(true);

    await drainJobs();
    const again = await load();
    expect(again.retention.refreshing).toBe(false);
    expect(again.retention.progress).toBeNull();
    expect(again.retention.figures?.acquired.d90).toEqual({ value: 0.5, numerator: 2, sample: 4 });
    // Today 104's first order (112 days ago) is in the 90-day sample only.
    expect(again.retention.figures?.acquired.d180.sample).toBe(3);
    expect(again.retention.figures?.cohorts.map((c) => c.month)).toEqual(
      [COHORT_DAYS.first, COHORT_DAYS.second].map((days) => scenarioDates(new Date()).month(days)),
    );
  });

  it("takes a period from the URL and says when it cannot", async () => {
    const week = await load("?period=7d");
    expect(week.period.days).toBe(7);
    expect(week.figures).toMatchObject({ clicks: 6, orders: 0, revenueCents: 0, rewardCents: 1_500 });
    const bad = await load("?period=custom&from=2026-13-01&to=2026-01-01");
    expect(bad.period.key).toBe("30d");
    expect(bad.periodError).toMatch(/start and end date/);
  });

  it("answers at once with the cached figures while the period's figures are still being added up", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const real = analytics.getPeriodFigures;
    const slow = vi.spyOn(analytics, "getPeriodFigures").mockImplementation(async (...args) => {
      await gate;
      return real(...args);
    });
    try {
      const { data } = await adminLoad(loader, "/app/dashboard");
      expect(data.retention.figures?.acquired.d90.sample).toBe(4);
      let streamed = false;
      const live = data.live.then((figures) => ((streamed = true), figures));
      // Held at the gate: the loader has answered without the period's figures.
      expect(slow).toHaveBeenCalled();
      expect(streamed).toBe(false);
      release();
      expect((await live).figures.orders).toBe(3);
    } finally {
      slow.mockRestore();
    }
  });

  it("Recompute now returns at once; the page shows the figures again when the job is done", async () => {
    const result = await adminPost(action, "/app/dashboard", { intent: "recompute" });
    expect(result).toEqual({ ok: true });
    await drainJobs();
    expect((await load()).retention.figures?.others.d90.sample).toBe(5);
  });
});
