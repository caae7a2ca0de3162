import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ambassadorFigures, getDashboard, parsePeriod, presetPeriod } from "~/models/Analytics/Analytics.server";
import { computeRetention } from "~/models/Analytics/retention.server";
import {
  markMetricsStale,
  needsRecompute,
  readRetentionCache,
  METRICS_MAX_AGE_MS,
  METRICS_STALE_RECOMPUTE_MS,
} from "~/models/Analytics/MetricsCache.server";
import { enqueueMetrics, refreshMetricsIfDue } from "~/jobs/metrics.server";
import { drainJobs } from "~/jobs/runner.server";
import { formatMoney } from "~/models/ProgramSettings/shop-money";
import { shopsErasedAfterFile } from "#/factories/orders";
import {
  COHORT_DAYS,
  NOW,
  scenarioDates,
  seedAnalyticsScenario,
  seedAmbassador,
  seedAttributedOrders,
  seedClicks,
  seedCurrency,
  seedFraudFlag,
  seedOrderFacts,
  seedRewards,
  recomputeStats,
} from "#/factories/analytics";

const shopNamed = shopsErasedAfterFile();
const june = presetPeriod("30d", NOW);

describe("period figures", () => {
  it("adds up the period's clicks, orders, revenue, costs, ROI and conversion as defined", async () => {
    const shop = shopNamed("ana-period");
    await seedAnalyticsScenario(shop);
    const { figures, top, series } = await getDashboard(shop, june);

    expect(june).toEqual({ key: "30d", from: "2026-06-01", to: "2026-06-30", days: 30, timeZone: "UTC" });
    // Counting orders in June: o1 (10,000), o2 (5,000), o3 (20,000); o4 was cancelled (net 0),
    // o5 is in May.
    const revenue = 10_000 + 5_000 + 20_000;
    const discount = 1_000 + 500 + 2_000;
    // o1 1,000 + o2 500 (pending counts) + o3 2,000 − 500; o4's entry is void; o5 is May's;
    // Jane's June milestone 1,500 (April's is outside); payouts are not a cost.
    const reward = 1_000 + 500 + 2_000 - 500 + 1_500;
    expect(figures).toEqual({
      clicks: 4 + 6 + 5, // May 31's 3 clicks are outside
      orders: 3,
      revenueCents: revenue,
      newCustomers: 2, // o1, o3 (o4 was cancelled)
      discountCents: discount,
      rewardCents: reward,
      roi: (revenue - discount - reward) / (discount + reward), // 27,000 ÷ 8,000
      conversion: { value: 3 / 15, numerator: 3, sample: 15 },
    });
    expect(figures.roi).toBeCloseTo(3.375, 10);

    // Top ambassadors by revenue: Max 20,000, then Jane 15,000.
    expect(top.map((a) => [a.name, a.code, a.revenueCents])).toEqual([
      ["Max Power", "MAX200", 20_000],
      ["Jane Doe", "JANE100", 15_000],
    ]);
    expect(top[1]).toMatchObject({
      clicks: 10,
      orders: 2,
      newCustomers: 1,
      discountCents: 1_500,
      rewardCents: 1_000 + 500 + 1_500,
      conversion: { value: 0.2, numerator: 2, sample: 10 },
    });
    expect(top[1].roi).toBeCloseTo((15_000 - 1_500 - 3_000) / 4_500, 10);
    expect(top[0]).toMatchObject({ clicks: 5, orders: 1, newCustomers: 1, discountCents: 2_000, rewardCents: 1_500 });
    expect(top[0].roi).toBeCloseTo((20_000 - 2_000 - 1_500) / 3_500, 10);

    expect(series).toHaveLength(30);
    expect(series.filter((p) => p.revenueCents > 0)).toEqual([
      { key: "2026-06-05", orders: 1, revenueCents: 10_000 },
      { key: "2026-06-10", orders: 1, revenueCents: 5_000 },
      { key: "2026-06-15", orders: 1, revenueCents: 20_000 },
    ]);
  });

  it("keeps each shop's figures to itself", async () => {
    const shop = shopNamed("ana-own");
    const other = shopNamed("ana-other");
    await seedAnalyticsScenario(shop);
    await seedAttributedOrders(other, [
      { orderId: "o1", ambassadorId: `${shop}:jane`, code: "JANE100", buyerCustomerId: "c1", processedAt: "2026-06-05T10:00:00Z", netCents: 99_000, discountCents: 9_000, newCustomer: true },
    ]);
    await seedClicks(other, `${shop}:jane`, "2026-06-02", 50);
    const mine = await getDashboard(shop, june);
    expect(mine.figures.revenueCents).toBe(35_000);
    expect(mine.figures.clicks).toBe(15);
    const theirs = await getDashboard(other, june);
    expect(theirs.figures).toMatchObject({ orders: 1, revenueCents: 99_000, clicks: 50, rewardCents: 0 });
    // An ambassador id of another shop is no ambassador of this one.
    expect(theirs.top[0].name).toBe("Removed ambassador");
    expect((await computeRetention(other, { now: NOW })).cohorts).toEqual([]);
  });

  it("charts a long period by month, and gives the figures of the ambassadors asked for", async () => {
    const shop = shopNamed("ana-months");
    await seedAmbassador(shop, { id: `${shop}:jane`, customerId: "9001", firstName: "Jane", lastName: "Doe", code: "JANE100", activatedAt: null });
    await seedAmbassador(shop, { id: `${shop}:max`, customerId: "9002", firstName: "Max", code: "MAX200", activatedAt: null });
    const jane = `${shop}:jane`;
    const max = `${shop}:max`;
    await seedAttributedOrders(shop, [
      { orderId: "m0", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c0", processedAt: "2025-12-31T23:59:59Z", netCents: 9_000, discountCents: 900 },
      { orderId: "m1", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c1", processedAt: "2026-01-01T00:00:00Z", netCents: 1_000, discountCents: 100, newCustomer: true },
      { orderId: "m2", ambassadorId: max, code: "MAX200", buyerCustomerId: "c2", processedAt: "2026-03-31T23:59:59Z", netCents: 3_000, discountCents: 300 },
      { orderId: "m3", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c3", processedAt: "2026-03-01T08:00:00Z", netCents: 2_000, discountCents: 200, newCustomer: true },
      { orderId: "m4", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c4", processedAt: "2026-03-02T08:00:00Z", netCents: 0, discountCents: 400, cancelled: true },
      { orderId: "m5", ambassadorId: max, code: "MAX200", buyerCustomerId: "c5", processedAt: "2026-07-01T00:00:00Z", netCents: 5_000, discountCents: 500 },
    ]);
    await seedRewards(shop, [
      { ambassadorId: jane, orderId: "m1", kind: "commission", amountCents: 100 },
      { ambassadorId: jane, orderId: "m0", kind: "commission", amountCents: 900 },
      { ambassadorId: max, kind: "milestone", amountCents: 700, createdAt: "2026-02-10T10:00:00Z" },
    ]);
    await seedClicks(shop, jane, "2026-02-01", 4, "JANE100");
    const { period } = parsePeriod(new URLSearchParams("period=custom&from=2026-01-01&to=2026-06-30"), NOW);

    const { series } = await getDashboard(shop, period);
    expect(series).toEqual([
      { key: "2026-01", orders: 1, revenueCents: 1_000 },
      { key: "2026-02", orders: 0, revenueCents: 0 },
      { key: "2026-03", orders: 2, revenueCents: 5_000 },
      { key: "2026-04", orders: 0, revenueCents: 0 },
      { key: "2026-05", orders: 0, revenueCents: 0 },
      { key: "2026-06", orders: 0, revenueCents: 0 },
    ]);

    const figures = await ambassadorFigures(shop, period, [max, jane, "nobody"]);
    expect(figures.map((f) => [f.ambassadorId, f.name, f.orders, f.revenueCents, f.newCustomers, f.discountCents, f.rewardCents, f.clicks])).toEqual([
      [max, "Max", 1, 3_000, 0, 300, 700, 0],
      [jane, "Jane Doe", 2, 3_000, 2, 300, 100, 4],
      ["nobody", "Removed ambassador", 0, 0, 0, 0, 0, 0],
    ]);
  });

  it("reads presets and custom ranges from the URL, and falls back to 30 days with a reason", () => {
    const q = (s: string) => parsePeriod(new URLSearchParams(s), NOW);
    expect(q("period=7d").period).toEqual({ key: "7d", from: "2026-06-24", to: "2026-06-30", days: 7, timeZone: "UTC" });
    expect(q("period=90d").period.from).toBe("2026-04-02");
    expect(q("period=custom&from=2026-01-01&to=2026-01-31")).toEqual({
      period: { key: "custom", from: "2026-01-01", to: "2026-01-31", days: 31, timeZone: "UTC" },
      error: null,
    });
    expect(q("period=custom&from=2026-02-30&to=2026-03-01").error).toMatch(/start and end date/);
    expect(q("period=custom&from=2026-03-01&to=2026-02-01").error).toMatch(/ends before it starts/);
    expect(q("period=custom&from=2020-01-01&to=2026-01-01").error).toMatch(/at most 1100 days/);
    expect(q("period=week").period.key).toBe("30d");
  });

  it("formats amounts in the shop's currency: JPY has no decimals", async () => {
    const shop = shopNamed("ana-jpy");
    await seedAnalyticsScenario(shop);
    await seedCurrency(shop, "JPY");
    const dashboard = await getDashboard(shop, june);
    expect(dashboard.currencyCode).toBe("JPY");
    // Minor units of JPY are yen: 35,000 yen, not 350.00.
    expect(formatMoney(dashboard.figures.revenueCents, dashboard.currencyCode)).toBe("¥35,000");
    expect(formatMoney(dashboard.figures.rewardCents, dashboard.currencyCode)).toBe("¥4,500");
    expect(formatMoney(35_000, "USD")).toBe("$350.00");
  });

  it("lists unresolved fraud flags, newest first", async () => {
    const shop = shopNamed("ana-flags");
    await seedAnalyticsScenario(shop);
    await seedFraudFlag(shop, { ambassadorId: `${shop}:jane`, kind: "self_referral", sourceKey: "o9", detail: "Own order", createdAt: "2026-06-01T00:00:00Z" });
    await seedFraudFlag(shop, { ambassadorId: `${shop}:max`, kind: "leak", sourceKey: "MAX200:2026-06-10", detail: "25 new customers in a day", createdAt: "2026-06-10T00:00:00Z" });
    await seedFraudFlag(shop, { ambassadorId: `${shop}:max`, kind: "leak", sourceKey: "MAX200:2026-05-10", detail: "old", createdAt: "2026-05-10T00:00:00Z", resolved: true });
    const { fraudFlags } = await getDashboard(shop, june);
    expect(fraudFlags.map((f) => [f.kind, f.ambassadorName, f.code, f.detail])).toEqual([
      ["leak", "Max Power", "MAX200", "25 new customers in a day"],
      ["self_referral", "Jane Doe", "JANE100", "Own order"],
    ]);
  });
});

describe("retention", () => {
  it("groups cohorts by the shop's calendar month: Jan 31 evening UTC is February in Auckland", async () => {
    const shop = shopNamed("ana-cohort-zone");
    await seedAmbassador(shop, { id: `${shop}:jane`, customerId: "9001", firstName: "Jane", code: "JANE100", activatedAt: "2025-12-01T00:00:00Z" });
    // c1's first order: 2026-01-31 20:00 UTC = 2026-02-01 09:00 in Auckland (UTC+13).
    const firstOrder = "2026-01-31T20:00:00Z";
    await seedOrderFacts(shop, [{ orderId: "z1", customerId: "c1", processedAt: firstOrder, totalCents: 5_000, code: "JANE100" }]);
    await seedAttributedOrders(shop, [
      { orderId: "z1", ambassadorId: `${shop}:jane`, code: "JANE100", buyerCustomerId: "c1", processedAt: firstOrder, netCents: 5_000, discountCents: 500, newCustomer: true },
    ]);
    await recomputeStats(shop, NOW);

    const months = async (timeZone?: string) => (await computeRetention(shop, { now: NOW, timeZone })).cohorts.map((c) => c.month);
    expect(await months("Pacific/Auckland")).toEqual(["2026-02"]);
    expect(await months("America/Los_Angeles")).toEqual(["2026-01"]);
    expect(await months()).toEqual(["2026-01"]);
  });

  it("gives the repeat rates at 90 and 180 days for (a), (b) and (c), with sample sizes", async () => {
    const shop = shopNamed("ana-retention");
    await seedAnalyticsScenario(shop);
    // Chunks of 3 customers: the keyset walk must not lose or repeat anyone.
    const retention = await computeRetention(shop, { now: NOW, chunkSize: 3 });

    // (a) 101 (2nd order after 46 days), 102 (after 123 days), 103 (none): first orders 300
    // days ago; 104 (after 22 days; first order 112 days ago: in the 90-day sample, not the
    // 180-day one).
    expect(retention.acquired).toEqual({
      d90: { value: 2 / 4, numerator: 2, sample: 4 }, // 101, 104
      d180: { value: 2 / 3, numerator: 2, sample: 3 }, // 101, 102
    });
    // (c) the months of those first orders only (206's, 360 days ago, has no acquired customer); the
    // ambassadors 9001 and 9004 are not "other customers". 201 repeats after 19 days; 202's
    // second order was cancelled and its third came after 211 days; 203 never came back;
    // 204's second was fully refunded and its third a test; 205 repeats after 75 days.
    expect(retention.others).toEqual({
      d90: { value: 2 / 5, numerator: 2, sample: 5 }, // 201, 205
      d180: { value: 1 / 4, numerator: 1, sample: 4 }, // 201
    });
    expect(retention.cohorts).toEqual([
      {
        month: scenarioDates(NOW).month(COHORT_DAYS.first),
        acquired: { d90: { value: 1 / 3, numerator: 1, sample: 3 }, d180: { value: 2 / 3, numerator: 2, sample: 3 } },
        others: { d90: { value: 1 / 4, numerator: 1, sample: 4 }, d180: { value: 1 / 4, numerator: 1, sample: 4 } },
      },
      {
        month: scenarioDates(NOW).month(COHORT_DAYS.second),
        acquired: { d90: { value: 1, numerator: 1, sample: 1 }, d180: { value: null, numerator: 0, sample: 0 } },
        others: { d90: { value: 1, numerator: 1, sample: 1 }, d180: { value: null, numerator: 0, sample: 0 } },
      },
    ]);
    // (b) Jane (joined 211 days ago: bought 89 and 37 days before, 45 days after) and Ola
    // (joined 241 days ago: bought 153 days before, nothing after). Max joined 60 days ago
    // (windows not over); Ivy had not bought before joining.
    expect(retention.ambassadorsBefore).toEqual({
      d90: { value: 1 / 2, numerator: 1, sample: 2 },
      d180: { value: 2 / 2, numerator: 2, sample: 2 },
    });
    expect(retention.ambassadorsAfter).toEqual({
      d90: { value: 1 / 2, numerator: 1, sample: 2 },
      d180: { value: 1 / 2, numerator: 1, sample: 2 },
    });
  });

  it("is served from the cache: the job computes it, a change marks it stale, it is recomputed when due", async () => {
    const shop = shopNamed("ana-cache");
    await seedAnalyticsScenario(shop);
    const empty = await readRetentionCache(shop);
    expect(empty.retention).toBeNull();
    expect(needsRecompute(empty)).toBe(true);

    // The page asks; the job runs in the background and the page does not wait for it.
    expect(refreshMetricsIfDue(shop, empty)).toBe(true);
    await drainJobs();
    const cached = await readRetentionCache(shop);
    expect(cached.retention?.acquired.d90.sample).toBeGreaterThan(0);
    expect(cached.staleSince).toBeNull();
    expect(cached.progress).toBeNull();
    expect(needsRecompute(cached)).toBe(false);
    expect(refreshMetricsIfDue(shop, cached)).toBe(false);

    // A webhook's transaction marks it stale; the cached figures are still served.
    await prisma.$transaction((tx) => markMetricsStale(tx, shop));
    const stale = await readRetentionCache(shop);
    expect(stale.staleSince).not.toBeNull();
    expect(stale.retention).toEqual(cached.retention);
    const computedAt = stale.computedAt as Date;
    // Recomputed only once the figures are old enough (a busy shop does not recompute on
    // every order), or when too old even without a change.
    expect(needsRecompute(stale, new Date(computedAt.getTime() + 1_000))).toBe(false);
    expect(needsRecompute(stale, new Date(computedAt.getTime() + METRICS_STALE_RECOMPUTE_MS))).toBe(true);
    expect(needsRecompute(cached, new Date(computedAt.getTime() + METRICS_MAX_AGE_MS))).toBe(true);

    // A new acquired customer appears after the recompute.
    await seedAttributedOrders(shop, [
      { orderId: "late", ambassadorId: `${shop}:jane`, code: "JANE100", buyerCustomerId: "203", processedAt: scenarioDates(NOW).ago(COHORT_DAYS.first, 14), netCents: 1, discountCents: 0, newCustomer: true },
    ]);
    await enqueueMetrics(shop);
    const fresh = await readRetentionCache(shop);
    expect(fresh.staleSince).toBeNull();
    expect(fresh.computedAt!.getTime()).toBeGreaterThanOrEqual(computedAt.getTime());
    // 203 is now counted as acquired (a), not other (c).
    expect(fresh.retention?.acquired.d90.sample).toBe(5);
    expect(fresh.retention?.others.d90.sample).toBe(4);
  });

  it("marking stale touches only that shop's cache", async () => {
    const shop = shopNamed("ana-mark");
    const other = shopNamed("ana-mark-other");
    await enqueueMetrics(shop);
    await enqueueMetrics(other);
    await prisma.$transaction((tx) => markMetricsStale(tx, shop));
    expect((await readRetentionCache(shop)).staleSince).not.toBeNull();
    expect((await readRetentionCache(other)).staleSince).toBeNull();
  });
});
