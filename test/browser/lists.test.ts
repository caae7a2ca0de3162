import path from "node:path";
import type { Locator, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

// Every admin list as a merchant meets it: a 100-character unbroken name, email or handle
// never pushes the other columns off-screen (cut in the table, whole on hover and on the
// detail page), and every search field searches as the merchant types.
const VIEWPORT_WIDTH = 1280;
const LONG_NAME = `Bartholomew${"x".repeat(89)}`;
const LONG_EMAIL = `${"longaddress".repeat(9)}@example.com`;
const LONG_HANDLE = `@${"handle".repeat(16)}x`;

let session: BrowserDemo;
let demo: Demo;
let page: Page;
let db: PrismaClient;
let longId: string;

beforeAll(async () => {
  session = await startBrowserDemo("lists", { customers: 200, orders: 500, historySynced: true });
  ({ demo, db } = session);
  const shop = demo.shopDomain;
  longId = `${shop}:long`;
  // Imported now: the factories open the app's database client on DATABASE_URL, which the
  // demo has just pointed at its own database.
  const { seedAmbassador, seedAttributedOrders, seedRewards, scenarioDates } = await import("#/factories/analytics");
  const { ago } = scenarioDates(new Date());
  await seedAmbassador(shop, { id: `${shop}:jane`, customerId: "9001", firstName: "Jane", lastName: "Doe", code: "JANE100", activatedAt: ago(40) });
  await seedAmbassador(shop, { id: longId, customerId: "9100", firstName: LONG_NAME, code: "LONG100", activatedAt: ago(20) });
  await db.ambassador.update({ where: { id: longId }, data: { email: LONG_EMAIL } });
  await seedAttributedOrders(shop, [
    { orderId: "long-1", ambassadorId: longId, code: "LONG100", buyerCustomerId: "c1", processedAt: ago(3), netCents: 12_000, discountCents: 1_200, newCustomer: true },
  ]);
  await seedRewards(shop, [{ ambassadorId: longId, orderId: "long-1", kind: "commission", amountCents: 1_200 }]);
  // A repeat buyer the history sync ranked, under a long name.
  const candidate = await db.customerStats.findFirstOrThrow({ where: { shop, scoreMilli: { gt: 0 } }, orderBy: { scoreMilli: "desc" } });
  await db.customerStats.update({
    where: { shop_customerId: { shop, customerId: candidate.customerId } },
    data: { displayName: LONG_NAME, email: LONG_EMAIL },
  });
  await db.ambassadorApplication.create({
    data: {
      shop,
      status: "pending",
      consentedAt: new Date(),
      name: LONG_NAME,
      email: LONG_EMAIL,
      socialHandle: LONG_HANDLE,
      reason: "I love it.",
      // 22:30 on Feb 28 in the demo shop's time zone (New York).
      createdAt: new Date("2026-03-01T03:30:00.000Z"),
    },
  });
  page = await session.newPage();
});

afterAll(() => session?.close());

async function open(pathname: string, heading: string) {
  await page.goto(`${demo.appUrl}${pathname}`);
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
}

/** Asserts the element lies wholly inside the viewport's width. */
async function expectOnScreen(locator: Locator, what: string) {
  const box = await locator.boundingBox();
  expect(box, `${what} is drawn`).not.toBeNull();
  expect(box!.x + box!.width, `${what} ends inside the window`).toBeLessThanOrEqual(VIEWPORT_WIDTH);
}

/** The cell text holding `value`: cut on screen, whole on hover. */
async function expectCut(value: string) {
  const cell = page.locator(`[title="${value}"]`).first();
  await cell.waitFor();
  const { clientWidth, scrollWidth } = await cell.evaluate((element) => ({
    clientWidth: element.clientWidth,
    scrollWidth: element.scrollWidth,
  }));
  expect(scrollWidth, "the value is wider than its cell").toBeGreaterThan(clientWidth);
  await expectOnScreen(cell, "the cut value");
  return cell;
}

describe("long text in every list", () => {
  it("Ambassadors: the name and email are cut, Status, Code and the figures stay on screen", async () => {
    await open("/app/ambassadors", "Ambassadors");
    const row = page.locator("table tbody tr").filter({ hasText: "LONG100" });
    await expectCut(LONG_NAME);
    await expectCut(LONG_EMAIL);
    await expectOnScreen(row.getByText("Active"), "Status");
    await expectOnScreen(row.getByText("LONG100"), "Code");
    await expectOnScreen(row.locator("td").last(), "Revenue");
    await page.screenshot({ path: path.join(artifacts, "lists-ambassadors-long-name.png"), fullPage: true });

    // The detail page shows the whole name.
    await row.getByRole("link").first().click();
    await page.getByRole("heading", { name: LONG_NAME, level: 1 }).waitFor();
    // The title wraps: the page is no wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT_WIDTH);
    await page.screenshot({ path: path.join(artifacts, "lists-ambassador-long-name.png"), fullPage: true });
  });

  it("Applications: the name, email and handle are cut, the decision buttons stay on screen", async () => {
    await open("/app/applications", "Applications");
    await expectCut(LONG_NAME);
    await expectCut(LONG_EMAIL);
    await expectCut(LONG_HANDLE);
    await expectOnScreen(page.getByRole("button", { name: `Approve ${LONG_NAME}` }), "Approve");
    await expectOnScreen(page.getByRole("button", { name: `Reject ${LONG_NAME}` }), "Reject");
    // Dates are the shop's calendar days, not UTC's.
    expect(await page.locator("table tbody tr").first().innerText()).toContain("Feb 28, 2026");
    await page.screenshot({ path: path.join(artifacts, "lists-applications-long-name.png"), fullPage: true });
  });

  it("Candidates: found by typing, cut, with its score on screen", async () => {
    await open("/app/candidates", "Candidates");
    await page.getByRole("button", { name: "Search and filter candidates" }).click();
    await page.getByPlaceholder("Search by name or email").pressSequentially("Bartholomew", { delay: 20 });
    await page.waitForURL(/q=Bartholomew/);
    await page.waitForLoadState("networkidle");
    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    await expectCut(LONG_NAME);
    await expectOnScreen(rows.first().locator("td").last(), "the last column");
    await page.screenshot({ path: path.join(artifacts, "lists-candidates-long-name.png"), fullPage: true });
  });

  it("Rewards and the Dashboard: the ambassador's name is cut, the amounts stay on screen", async () => {
    await open("/app/rewards", "Rewards");
    await expectCut(LONG_NAME);
    const balance = page.locator("table tbody tr").filter({ has: page.locator(`[title="${LONG_NAME}"]`) });
    await expectOnScreen(balance.locator("td").last(), "Paid");

    await open("/app/dashboard", "Dashboard");
    await expectCut(`${LONG_NAME} (LONG100)`);
    await expectOnScreen(page.getByTestId("top-ambassadors").locator("tbody tr").first().locator("td").last(), "ROI");
    await page.screenshot({ path: path.join(artifacts, "lists-dashboard-long-name.png"), fullPage: true });
  });
});

describe("search as you type", () => {
  it("Ambassadors searches when typing pauses, without Enter, and clears at once", async () => {
    await open("/app/ambassadors", "Ambassadors");
    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByPlaceholder("Search by name, email or code").pressSequentially("jane", { delay: 30 });
    await page.waitForURL(/q=jane/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("Jane");
    await page.screenshot({ path: path.join(artifacts, "lists-ambassadors-search-as-you-type.png"), fullPage: true });

    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.searchParams.has("q"));
    await expect.poll(() => rows.count()).toBe(2);
  });
});
