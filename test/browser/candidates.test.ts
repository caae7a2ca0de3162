import path from "node:path";
import type { Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import { orderAmounts } from "#/local-shop";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

const DAY_MS = 86_400_000;

let session: BrowserDemo;
let demo: Demo;
let page: Page;
let db: PrismaClient;

async function historySyncRuns() {
  return db.historySync.count({ where: { shop: demo.shopDomain } });
}

async function latestRunFinished() {
  const run = await db.historySync.findFirst({
    where: { shop: demo.shopDomain },
    orderBy: { startedAt: "desc" },
  });
  return run?.finishedAt != null;
}

interface Buyer {
  id: string;
  /** Counting orders: not cancelled, not test, not fully refunded. */
  orders: number;
  netSpentCents: number;
  lastOrderAt: number;
}

/** What the local shop holds, per customer with a counting order (by customer id). */
function buyersInStore(): Map<string, Buyer> {
  const store = demo.localShop.store;
  const buyers = new Map<string, Buyer>();
  for (const order of store.orders) {
    if (order.customerId === null || order.cancelledAt !== null || order.test) continue;
    const { totalCents, refundedCents } = orderAmounts(order);
    if (refundedCents >= totalCents) continue;
    const id = String(order.customerId);
    const buyer = buyers.get(id) ?? { id, orders: 0, netSpentCents: 0, lastOrderAt: 0 };
    buyer.orders += 1;
    buyer.netSpentCents += totalCents - refundedCents;
    buyer.lastOrderAt = Math.max(buyer.lastOrderAt, order.processedAt);
    buyers.set(id, buyer);
  }
  return buyers;
}

/** The default program: at least 2 counting orders, the last within 365 days. */
function repeatBuyers(minOrders = 2): Buyer[] {
  const since = Date.now() - 365 * DAY_MS;
  return [...buyersInStore().values()].filter(
    (b) => b.orders >= minOrders && b.lastOrderAt >= since
  );
}

/**
 * Each repeat buyer's score as app/models/Candidate/score.server.ts documents it (written
 * out here, not imported: importing app code would open the app's database client in
 * this process before the demo sets DATABASE_URL):
 *   100 × (0.40·n/(n + minOrders) + 0.35·max(0, 1 − days/recencyDays) + 0.25·s/(s + S))
 * with S the mean net spend per customer with a counting order, plus the default weights'
 * points for marketing consent (5 for email, 5 for SMS; this demo imports no reviews).
 */
function documentedScores(minOrders = 2, recencyDays = 365): Map<string, number> {
  const buyers = [...buyersInStore().values()];
  const S = Math.max(
    1,
    Math.round(buyers.reduce((sum, b) => sum + b.netSpentCents, 0) / buyers.length)
  );
  const now = Date.now();
  return new Map(
    repeatBuyers().map((b) => {
      const days = (now - b.lastOrderAt) / DAY_MS;
      const frequency = b.orders / (b.orders + minOrders);
      const recency = Math.max(0, Math.min(1, 1 - days / recencyDays));
      const monetary = b.netSpentCents / (b.netSpentCents + S);
      const customer = demo.localShop.store.customers.find((c) => c.legacyResourceId === b.id);
      const consent =
        (customer?.email && customer.emailMarketingState === "SUBSCRIBED" ? 5 : 0) +
        (customer?.phone && customer.smsMarketingState === "SUBSCRIBED" ? 5 : 0);
      return [b.id, 100 * (0.4 * frequency + 0.35 * recency + 0.25 * monetary) + consent];
    })
  );
}

interface Row {
  /** The customer id (the table row's id). */
  id: string;
  name: string;
  email: string;
  orders: number;
  spent: string;
  lastOrder: string;
  score: number;
  status: string;
}

async function tableRows(): Promise<Row[]> {
  const rows = await page.$$eval("table tbody tr", (trs) =>
    trs.map((tr) => ({
      id: tr.id,
      cells: Array.from(tr.querySelectorAll("td")).map((td) =>
        (td as HTMLElement).innerText.trim()
      ),
    }))
  );
  return rows.map(({ id, cells: c }) => {
    const [name, email] = c[1].split("\n").map((s) => s.trim());
    return {
      id,
      name,
      email,
      orders: Number(c[2].replace(/,/g, "")),
      spent: c[3],
      lastOrder: c[4],
      score: Number(c[5]),
      status: c[6],
    };
  });
}

async function shownCount(): Promise<number> {
  const text = await page.getByTestId("candidate-count").innerText();
  return Number(text.replace(/[^\d]/g, ""));
}

/** Waits for the requests of a navigation to end. */
async function settled() {
  await page.waitForLoadState("networkidle");
}

/** The table once it shows other rows than `before` (the URL changes before the DOM does). */
async function rowsOnceChanged(before: Row[]): Promise<Row[]> {
  const key = (rows: Row[]) => rows.map((r) => r.id).join(",");
  await expect.poll(async () => key(await tableRows()), { timeout: 10_000 }).not.toBe(key(before));
  return tableRows();
}

/** Clicks outside any popover (Escape would cancel the filter bar: Shopify's "Cancel"). */
async function closePopovers() {
  await page.getByRole("heading", { name: "Candidates", level: 1 }).click();
}

const nonIncreasing = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] >= v);
const nonDecreasing = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] <= v);

beforeAll(async () => {
  session = await startBrowserDemo("candidates", { customers: 400, orders: 1600 });
  ({ demo, db } = session);
  page = await session.newPage();
});

afterAll(() => session?.close());

describe("Candidates in a browser", () => {
  it("home shows the history sync the install started, until it completes", async () => {
    await page.goto(`${demo.appUrl}/app`);
    await page.getByRole("heading", { name: "Order history" }).waitFor();
    // The page re-reads the sync by itself: no reload here.
    await page.getByText("Completed", { exact: true }).waitFor({ timeout: 60_000 });
    const progress = await page.getByTestId("history-sync-progress").innerText();
    const orders = demo.localShop.store.orders.length.toLocaleString("en");
    expect(progress).toBe(`${orders} of ${orders} orders`);
    await page.screenshot({ path: path.join(artifacts, "candidates-home.png"), fullPage: true });
  });

  it("home's Sync order history starts another run and follows it to the end", async () => {
    expect(await historySyncRuns()).toBe(1);
    await page.getByRole("button", { name: "Sync order history" }).click();
    await expect.poll(historySyncRuns, { timeout: 10_000 }).toBe(2);
    // Back on home after the redirect; the card follows the new run without a reload.
    await expect.poll(() => new URL(page.url()).pathname).toBe("/app");
    await expect.poll(latestRunFinished, { timeout: 30_000 }).toBe(true);
    await page.getByText("Completed", { exact: true }).waitFor({ timeout: 10_000 });
    const orders = demo.localShop.store.orders.length.toLocaleString("en");
    expect(await page.getByTestId("history-sync-progress").innerText()).toBe(
      `${orders} of ${orders} orders`
    );
  });

  it("lists the seeded repeat buyers, best score first, with the total", async () => {
    await page.getByRole("link", { name: "Candidates" }).click();
    await page.getByRole("heading", { name: "Candidates", level: 1 }).waitFor();
    await settled();

    const expected = repeatBuyers();
    expect(expected.length).toBeGreaterThan(50);
    expect(await shownCount()).toBe(expected.length);

    const byId = new Map(expected.map((b) => [b.id, b]));
    const rows = await tableRows();
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      const buyer = byId.get(row.id);
      expect(buyer, `${row.name} (${row.id}) is not a repeat buyer of the shop`).toBeDefined();
      expect(row.orders, row.name).toBe(buyer?.orders);
      expect(row.spent, row.name).toBe(
        new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(
          (buyer?.netSpentCents ?? 0) / 100
        )
      );
    }
    expect(nonIncreasing(rows.map((r) => r.score))).toBe(true);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    // The scores are the documented RFM formula over the shop's own orders, and the page
    // holds the 50 best of them.
    const expectedScores = documentedScores();
    for (const row of rows)
      expect(row.score, row.name).toBeCloseTo(expectedScores.get(row.id) ?? -1, 0);
    const fiftyFirst = [...expectedScores.values()].sort((a, b) => b - a)[50];
    expect(rows[49].score).toBeGreaterThanOrEqual(fiftyFirst - 0.1);
    expect(await page.getByText(`1–50 of ${expected.length}`).count()).toBe(1);
  });

  it("pages forward and back through the cursors in the URL", async () => {
    const first = await tableRows();
    await page.getByRole("button", { name: "Next page" }).click();
    await page.waitForURL(/cursor=.*page=2|page=2.*cursor=/);
    const second = await rowsOnceChanged(first);
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((r) => first.some((f) => f.id === r.id))).toBe(false);
    expect(second[0].score).toBeLessThanOrEqual(first[first.length - 1].score);
    expect(nonIncreasing(second.map((r) => r.score))).toBe(true);
    const total = repeatBuyers().length;
    expect(await page.getByText(`51–${50 + second.length} of ${total}`).count()).toBe(1);

    await page.getByRole("button", { name: "Previous page" }).click();
    await page.waitForURL((url) => !url.searchParams.has("cursor"));
    expect((await rowsOnceChanged(second)).map((r) => r.id)).toEqual(first.map((r) => r.id));
  });

  it("filters on minimum orders through the filter bar, and the URL keeps it", async () => {
    await page.getByRole("button", { name: "Search and filter candidates" }).click();
    await page.getByRole("button", { name: "Minimum orders" }).click();
    await page.getByRole("spinbutton", { name: "Minimum orders" }).fill("4");
    await page.waitForURL(/minOrders=4/);
    await closePopovers();

    const expected = repeatBuyers(4);
    await expect.poll(shownCount, { timeout: 10_000 }).toBe(expected.length);
    const rows = await tableRows();
    expect(rows.length).toBe(Math.min(50, expected.length));
    expect(rows.every((r) => r.orders >= 4)).toBe(true);
    const ids = new Set(expected.map((b) => b.id));
    expect(rows.every((r) => ids.has(r.id))).toBe(true);

    // A reload (or a shared link) shows the same list.
    await page.reload();
    await settled();
    expect(await shownCount()).toBe(expected.length);
    expect((await tableRows()).map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it("sorts by orders, fewest first", async () => {
    await page.getByRole("button", { name: "Sort the results" }).click();
    // The radio is controlled by the URL: clicking it navigates, then it shows checked.
    await page.getByRole("radio", { name: "Orders" }).click({ force: true });
    await page.waitForURL((url) => url.searchParams.get("sort") === "orders");
    await page.getByRole("button", { name: "Fewest first" }).click();
    await page.waitForURL(
      (url) =>
        url.searchParams.get("sort") === "orders" && url.searchParams.get("direction") === "asc"
    );
    await closePopovers();

    await expect
      .poll(async () => nonDecreasing((await tableRows()).map((r) => r.orders)), {
        timeout: 10_000,
      })
      .toBe(true);
    const rows = await tableRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.orders >= 4)).toBe(true);
    expect(nonDecreasing(rows.map((r) => r.orders))).toBe(true);
    expect(rows[0].orders).toBe(Math.min(...repeatBuyers(4).map((b) => b.orders)));
    await page.screenshot({ path: path.join(artifacts, "candidates.png") });
  });

  it("asks before approving several candidates, then approves them and says so in a banner", async () => {
    const rows = await tableRows();
    const checkboxes = page.locator("table tbody tr").getByRole("checkbox");
    await checkboxes.nth(0).check({ force: true });
    await checkboxes.nth(1).check({ force: true });
    await page.getByRole("button", { name: "Approve" }).click();

    // Nothing changes until the merchant confirms what will happen in Shopify.
    const dialog = page.getByRole("dialog", { name: "Approve 2 customers as ambassadors?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("personal discount code in Shopify");
    await page.screenshot({ path: path.join(artifacts, "candidates-approve-confirm.png"), fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect((await tableRows()).filter((r) => r.status.includes("Approved"))).toEqual([]);

    await page.getByRole("button", { name: "Approve" }).click();
    await dialog.getByRole("button", { name: "Approve 2 customers" }).click();
    await page.getByText("2 customers approved as ambassadors.").waitFor();
    await settled();

    await expect
      .poll(async () =>
        (
          await tableRows()
        )
          .filter((r) => r.status.includes("Approved"))
          .map((r) => r.id)
          .sort()
      )
      .toEqual([rows[0].id, rows[1].id].sort());
    await page.screenshot({
      path: path.join(artifacts, "candidates-approved.png"),
      fullPage: true,
    });
  });
});
