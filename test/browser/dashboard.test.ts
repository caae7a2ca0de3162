/**
 * The measurement dashboard in a browser: the demo (built app) with the analytics scenario
 * of test/factories/analytics.ts seeded into its database, in JPY. Every number checked here
 * is worked out by hand from that scenario.
 */
import path from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import { shopDates } from "../../app/components/ShopDates";
import { addDays, shopDay } from "../../app/utils/shop-days";
import { artifacts, screenshot, startBrowserDemo, type BrowserDemo } from "./browser-demo";

let session: BrowserDemo;
let demo: Demo;
let page: Page;

beforeAll(async () => {
  // No orders in the local shop: the dashboard's customers are the scenario's alone. The
  // install's history sync (of no orders) first: its end recomputes every customer.
  session = await startBrowserDemo("dashboard", { customers: 5, orders: 0, historySynced: true });
  demo = session.demo;
  // Imported now: the factory opens the app's database client on DATABASE_URL, which the
  // demo has just pointed at its own file.
  // The scenario counts whole UTC days back from its `now`; the Dashboard counts the shop's
  // (New York) days. Noon (UTC) of the shop's today makes the two calendars agree.
  const { seedAnalyticsScenario, seedCurrency } = await import("#/factories/analytics");
  await seedAnalyticsScenario(demo.shopDomain, scenarioNow());
  await seedCurrency(demo.shopDomain, "JPY");
  page = await session.newPage();
});

afterAll(() => session?.close());

function scenarioNow() {
  return new Date(`${shopDay(new Date(), demo.localShop.store.shop.ianaTimezone)}T12:00:00.000Z`);
}

const kpi = (id: string) => page.getByTestId(`kpi-${id}`).innerText();

async function tableRows(testId: string): Promise<string[][]> {
  return page.getByTestId(testId).locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll("th, td")).map((cell) => (cell as HTMLElement).innerText.trim())),
  );
}

describe("Dashboard in a browser", () => {
  it("shows the last 30 days in yen: revenue, orders, clicks, conversion, new customers, costs and ROI", async () => {
    await page.goto(`${demo.appUrl}/app/dashboard`);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    // The last 30 days of the shop's (New York) calendar, in the one date format.
    const timeZone = demo.localShop.store.shop.ianaTimezone;
    const today = shopDay(new Date(), timeZone);
    const dates = shopDates(timeZone);
    expect(await page.getByTestId("period-range").innerText()).toBe(
      `${dates.day(addDays(today, -29))} to ${dates.day(today)} (30 days, shop time)`,
    );
    // o1 10,000 + o2 5,000 + o3 20,000 yen (o4 was cancelled, o5 is older than 30 days).
    expect(await kpi("revenue")).toBe("¥35,000");
    expect(await kpi("orders")).toBe("3");
    expect(await kpi("clicks")).toBe("15"); // 4 + 6 + 5
    expect(await kpi("conversion")).toBe("20.0 %"); // 3 ÷ 15
    await page.getByText("n = 15 clicks").waitFor();
    expect(await kpi("new-customers")).toBe("2");
    expect(await kpi("discount-cost")).toBe("¥3,500");
    // 1,000 + 500 + 2,000 − 500 + milestone 1,500.
    expect(await kpi("reward-cost")).toBe("¥4,500");
    // (35,000 − 3,500 − 4,500) ÷ 8,000 = 3.375.
    expect(await kpi("roi")).toBe("3.38×");
    // Help text beside the figures.
    await page.getByText(/^ROI = \(attributed revenue − discount cost − reward cost\)/).first().waitFor();

    const top = await tableRows("top-ambassadors");
    expect(top.map((cells) => cells.slice(0, 5))).toEqual([
      ["Max Power (MAX200)", "¥20,000", "1", "5", "20.0 % (n = 5)"],
      ["Jane Doe (JANE100)", "¥15,000", "2", "10", "20.0 % (n = 10)"],
    ]);
    // Jane: (15,000 − 1,500 − 3,000) ÷ 4,500; Max: (20,000 − 2,000 − 1,500) ÷ 3,500.
    expect(top.map((cells) => cells[8])).toEqual(["4.71×", "2.33×"]);
  });

  it("computes retention in the background and shows it with sample sizes, without a reload", async () => {
    // The page re-reads itself while the metrics job runs.
    await page.getByTestId("retention-summary").waitFor({ timeout: 30_000 });
    expect(await tableRows("retention-summary")).toEqual([
      ["(a) Acquired through ambassadors", "50.0 % (n = 4, small sample)", "66.7 % (n = 3, small sample)"],
      ["(c) Other customers, same first-order months", "40.0 % (n = 5, small sample)", "25.0 % (n = 4, small sample)"],
      ["(b) Ambassadors, before joining", "50.0 % (n = 2, small sample)", "100.0 % (n = 2, small sample)"],
      ["(b) Ambassadors, after joining", "50.0 % (n = 2, small sample)", "50.0 % (n = 2, small sample)"],
    ]);
    const cohorts = await tableRows("retention-cohorts");
    expect(cohorts.map((cells) => cells.slice(1))).toEqual([
      ["33.3 % (n = 3, small sample)", "25.0 % (n = 4, small sample)", "66.7 % (n = 3, small sample)", "25.0 % (n = 4, small sample)"],
      ["100.0 % (n = 1, small sample)", "100.0 % (n = 1, small sample)", "– (n = 0)", "– (n = 0)"],
    ]);
    // The cohort chart and the revenue chart are drawn (Polaris Viz, in the browser).
    for (const name of [/^Repeat rate within 90 days by first-order month/, /^Attributed revenue over time/]) {
      await page.getByRole("figure", { name }).locator("svg").first().waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: path.join(artifacts, "dashboard.png"), fullPage: true });
  });

  it("switches to the last 7 days", async () => {
    await page.getByLabel("Period").selectOption("7d");
    await page.waitForURL(/period=7d/);
    await expect.poll(() => kpi("revenue")).toBe("¥0");
    expect(await kpi("clicks")).toBe("6"); // today's
    expect(await kpi("reward-cost")).toBe("¥1,500"); // the milestone 5 days ago
    expect(await kpi("roi")).toBe("-1.00×");
    await page.screenshot({ path: path.join(artifacts, "dashboard-7d.png"), fullPage: true });
  });
});

describe("the first open after the data changed", () => {
  // The app runs in this process: what it logs is what the server would log.
  const logged: string[] = [];
  const original = { error: console.error, warn: console.warn };
  beforeAll(() => {
    for (const level of ["error", "warn"] as const) {
      console[level] = (...args: unknown[]) => {
        logged.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(" "));
        original[level](...args);
      };
    }
  });
  afterAll(() => Object.assign(console, original));

  it("shows the page and the last retention figures with their time at once, then streams the period's figures", async () => {
    const shop = demo.shopDomain;
    const cached = await session.db.metricsCache.findUniqueOrThrow({ where: { shop_key: { shop, key: "retention" } } });
    expect(cached.value).not.toBe("null");
    // New attributed orders, written as the order webhooks write them: with the cached
    // figures marked stale in the same transaction.
    const { seedAttributedOrders, scenarioDates } = await import("#/factories/analytics");
    const { default: prisma } = await import("../../app/db.server");
    const { markMetricsStale } = await import("../../app/models/Analytics/MetricsCache.server");
    const { ago } = scenarioDates(scenarioNow());
    await seedAttributedOrders(shop, [
      { orderId: "n1", ambassadorId: `${shop}:jane`, code: "JANE100", buyerCustomerId: "n1", processedAt: ago(3), netCents: 3_000, discountCents: 300, newCustomer: true },
      { orderId: "n2", ambassadorId: `${shop}:max`, code: "MAX200", buyerCustomerId: "n2", processedAt: ago(2), netCents: 2_000, discountCents: 200 },
    ]);
    await prisma.$transaction((tx) => markMetricsStale(tx, shop));

    // A gate at the database: the period's figures (sums over attributed orders) wait
    // until the test lets them, as a slow query would.
    const gate = new pg.Client({ connectionString: demo.databaseUrl });
    await gate.connect();
    try {
      await gate.query("BEGIN");
      await gate.query('LOCK TABLE "AttributedOrder" IN ACCESS EXCLUSIVE MODE');
      await page.goto(`${demo.appUrl}/app/dashboard`, { waitUntil: "commit" });
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      // The frame and the skeleton of the period's figures; the cached retention figures
      // with when they were computed (shop time), and that newer orders are on their way.
      await page.getByText("Adding up the period's orders…").waitFor();
      expect(await page.getByTestId("kpi-revenue").count()).toBe(0);
      await page.getByTestId("retention-summary").waitFor();
      const computed = shopDates(demo.localShop.store.shop.ianaTimezone).dateTime(cached.computedAt);
      await page.getByText(`Computed ${computed} · new orders since; updated within minutes`).waitFor();
      await screenshot(page, "dashboard-first-open-streaming");
    } finally {
      await gate.query("ROLLBACK").catch(() => undefined);
      await gate.end();
    }

    // The figures stream into the same page, counting the new orders.
    await page.getByTestId("kpi-orders").waitFor();
    expect(await kpi("orders")).toBe("5");
    expect(await kpi("revenue")).toBe("¥40,000");
    expect(await page.getByText("Adding up the period's orders…").count()).toBe(0);
    await page.getByTestId("retention-summary").waitFor();
    await screenshot(page, "dashboard-first-open");
    expect(logged.filter((line) => /render was aborted/i.test(line))).toEqual([]);
  });

  it("recomputes in the background on request, keeping the last figures on screen until the new ones", async () => {
    const before = await session.db.metricsCache.findUniqueOrThrow({ where: { shop_key: { shop: demo.shopDomain, key: "retention" } } });
    await page.getByRole("button", { name: "Recompute now" }).click();
    // The figures stay while the job runs; the page re-reads itself until it is done.
    await page.getByTestId("retention-summary").waitFor();
    const dates = shopDates(demo.localShop.store.shop.ianaTimezone);
    await expect
      .poll(async () => {
        const row = await session.db.metricsCache.findUniqueOrThrow({ where: { shop_key: { shop: demo.shopDomain, key: "retention" } } });
        return row.computedAt > before.computedAt && row.staleSince === null ? row.computedAt : null;
      }, { timeout: 30_000 })
      .not.toBeNull();
    const after = await session.db.metricsCache.findUniqueOrThrow({ where: { shop_key: { shop: demo.shopDomain, key: "retention" } } });
    await page.getByText(new RegExp(`^Computed ${escapeRegExp(dates.dateTime(after.computedAt))}$`)).waitFor({ timeout: 15_000 });
    await screenshot(page, "dashboard-recomputed");
    expect(logged.filter((line) => /render was aborted/i.test(line))).toEqual([]);
  });
});

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
