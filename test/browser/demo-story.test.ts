/**
 * The demo's story in a browser: the demo with its six months of program seeded; a shopper
 * follows an ambassador's share link, checks out with the code the link applied, and the
 * merchant sees the order attributed and its reward pending within seconds; the order is
 * refunded (the storefront preview's demo tools, as the merchant would in Shopify admin)
 * and the reward is reversed. Screenshots in test-results/demo-story-*.png.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import type { PlannedAmbassador } from "#/factories/demo-history";
import { expectNoSeriousViolations } from "./axe";
import { screenshot, startBrowserDemo, type BrowserDemo } from "./browser-demo";

let session: BrowserDemo;
let demo: Demo;
let admin: Page;
let shopper: Page;
let story: PlannedAmbassador;
let storyId: string;

beforeAll(async () => {
  session = await startBrowserDemo("story", { customers: 1_200, orders: 3_600, history: true });
  demo = session.demo;
  const history = demo.history!;
  story = history.plan.ambassadors.find((a) => a.key === history.plan.storyAmbassador)!;
  storyId = history.ambassadorIds.get(story.key)!;
  admin = await session.newPage();
  shopper = await session.newPage();
}, 600_000);

afterAll(() => session?.close());

const shot = (page: Page, name: string) => screenshot(page, `demo-story-${name}`);

/** "$1,234.56" → 123456 */
const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.-]/g, "")) * 100);
const usd = (value: number) => `$${(value / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A figure of the ambassador page: the value under its label. */
async function figure(label: string): Promise<string> {
  return admin.getByText(label, { exact: true }).locator("xpath=following-sibling::*[1]").innerText();
}

interface AmbassadorFigures {
  clicks: number;
  orders: number;
  revenue: number;
  pending: number;
}

async function ambassadorFigures(): Promise<AmbassadorFigures> {
  await admin.goto(`${demo.appUrl}/app/ambassadors/${storyId}`);
  await admin.getByRole("heading", { name: "Results" }).waitFor();
  return {
    clicks: Number((await figure("Share-link clicks")).replace(/,/g, "")),
    orders: Number((await figure("Orders with their codes")).replace(/,/g, "")),
    revenue: cents(await figure("Revenue (net of refunds)")),
    pending: cents(await figure("Pending (in hold)")),
  };
}

/** Reloads the ambassador page until `done` holds (the webhook is applied in the background). */
async function ambassadorFiguresWhen(done: (figures: AmbassadorFigures) => boolean, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const figures = await ambassadorFigures();
    if (done(figures)) return { figures, seconds: (Date.now() - started) / 1000 };
    if (Date.now() - started > timeoutMs) return { figures, seconds: Infinity };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function dashboard() {
  await admin.goto(`${demo.appUrl}/app/dashboard`);
  await admin.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  return { orders: Number(await admin.getByTestId("kpi-orders").innerText()), revenue: cents(await admin.getByTestId("kpi-revenue").innerText()) };
}

/** The ambassador's row on the Rewards page: pending, approved, in payout, paid. */
async function rewardsRow() {
  await admin.goto(`${demo.appUrl}/app/rewards`);
  const row = admin.locator("tr", { has: admin.locator(`a[href*="ambassador=${storyId}"]`) });
  const cells = await row.locator("td").allInnerTexts();
  return cells.slice(1).map(cents);
}

describe("the demo's story: share link → checkout → attributed → reward pending → refund → reversed", () => {
  let before: AmbassadorFigures;
  let dashboardBefore: { orders: number; revenue: number };
  let rewardsBefore: number[];
  // Demo product ($25.00) with the program's 10 % off: $22.50; shipping $5.99 under $50; 8 % tax $1.80.
  const total = 2_500 - 250 + 599 + 180;
  // 10 % commission (the ambassador has no tier), rounded to the cent.
  const reward = Math.round(total / 10);

  it("the merchant opens the ambassador's page, the Dashboard and Rewards on real numbers", async () => {
    before = await ambassadorFigures();
    expect(await admin.getByText(/^Tier: none yet/).isVisible()).toBe(true);
    expect(before.orders).toBe(2); // the story's ambassador has two orders in the history
    expect(before.clicks).toBeGreaterThan(0);
    expect(before.revenue).toBeGreaterThan(0);
    await shot(admin, "1-ambassador-before");
    dashboardBefore = await dashboard();
    expect(dashboardBefore.orders).toBeGreaterThan(20);
    await shot(admin, "1-dashboard-before");
    rewardsBefore = await rewardsRow();
    expect(rewardsBefore[0]).toBe(before.pending);
  });

  it("a shopper follows the share link: the code is applied to the cart and the click counted", async () => {
    await shopper.goto(`${demo.storefrontUrl}/apps/ambassadors/r/${story.code}`);
    await shopper.getByRole("note").filter({ hasText: `Discount code ${story.code} will be applied at checkout.` }).waitFor();
    expect(new URL(shopper.url()).pathname).toBe("/");
    await shot(shopper, "2-landing");
  });

  it("adds to cart and checks out: the discount field holds the code, the order is placed, the thank-you page shows it", async () => {
    await shopper.goto(`${demo.storefrontUrl}/products/demo-product`);
    await shopper.getByRole("button", { name: "Add to cart" }).click();
    await shopper.waitForURL(/\/cart$/);
    await shopper.getByRole("link", { name: "Check out" }).click();
    await shopper.waitForURL(/\/checkout$/);
    expect(await shopper.getByLabel("Discount code").inputValue()).toBe(story.code);
    const summary = shopper.getByRole("region", { name: "Order summary" });
    expect(await summary.getByRole("row", { name: new RegExp(`^Discount \\(${story.code}\\)`) }).innerText()).toContain("−$2.50");
    expect(await summary.getByRole("row", { name: /^Total/ }).innerText()).toContain(usd(total));
    await shopper.getByLabel("Email").fill(`story.${Date.now()}@mail.example`);
    await shopper.getByLabel("First name").fill("Robin");
    await shopper.getByLabel("Last name").fill("Referred");
    await expectNoSeriousViolations(shopper, "checkout");
    await shot(shopper, "3-checkout");
    await shopper.getByRole("button", { name: "Pay now" }).click();
    await shopper.waitForURL(/\/thank-you\/\d+$/);
    await shopper.getByRole("heading", { name: "Thank you, Robin!" }).waitFor();
    expect(await shopper.getByText(/^Order #\d+ is confirmed/).isVisible()).toBe(true);
    expect(await shopper.getByTestId("payment-status").innerText()).toBe("Paid");
    await expectNoSeriousViolations(shopper, "thank-you page");
    await shot(shopper, "4-thank-you");
  });

  it("within seconds the ambassador page shows the order attributed and its reward pending", async () => {
    const { figures, seconds } = await ambassadorFiguresWhen((f) => f.orders === before.orders + 1);
    expect(seconds).toBeLessThan(20);
    expect(figures).toEqual({
      clicks: before.clicks + 1,
      orders: before.orders + 1,
      revenue: before.revenue + total,
      pending: before.pending + reward,
    });
    await shot(admin, "5-ambassador-attributed");
  });

  it("the Dashboard counts the order and Rewards shows the pending reward", async () => {
    expect(await dashboard()).toEqual({ orders: dashboardBefore.orders + 1, revenue: dashboardBefore.revenue + total });
    await shot(admin, "6-dashboard-attributed");
    expect(await rewardsRow()).toEqual([rewardsBefore[0] + reward, ...rewardsBefore.slice(1)]);
    await shot(admin, "6-rewards-pending");
  });

  it("the order is refunded in full: the order no longer counts and the pending reward is reversed", async () => {
    await shopper.getByRole("button", { name: `Refund this order (${usd(total)})` }).click();
    await shopper.getByText("Nothing left to refund.").waitFor();
    expect(await shopper.getByTestId("payment-status").innerText()).toBe("Refunded");
    await shot(shopper, "7-refunded");

    const { figures, seconds } = await ambassadorFiguresWhen((f) => f.orders === before.orders);
    expect(seconds).toBeLessThan(20);
    expect(figures).toEqual({ clicks: before.clicks + 1, orders: before.orders, revenue: before.revenue, pending: before.pending });
    await shot(admin, "8-ambassador-reversed");
    expect(await rewardsRow()).toEqual(rewardsBefore);
    expect(await dashboard()).toEqual(dashboardBefore);
    await shot(admin, "8-dashboard-reversed");
  });
});

describe("gifts and early access in the demo", () => {
  it("the newest ambassador's welcome package is a free draft order; Gifts lists it; Gold says how to use its tag", async () => {
    const history = demo.history!;
    const newest = history.plan.ambassadors.filter((a) => a.status === "active").sort((a, b) => b.joinedAt - a.joinedAt)[0];
    await admin.goto(`${demo.appUrl}/app/ambassadors/${history.ambassadorIds.get(newest.key)}`);
    await admin.getByRole("heading", { name: "Gifts", level: 2 }).waitFor();
    const page = await admin.locator("main").innerText();
    expect(page).toContain("Welcome package");
    expect(page).toContain("Draft order");
    expect(page).toContain("2 × Branded fuzzy socks - One size, 1 × Canvas notebook");
    expect(page).not.toContain("Address missing");
    await shot(admin, "gifts-ambassador");
    await expectNoSeriousViolations(admin, "ambassador page with a gift");

    await admin.goto(`${demo.appUrl}/app/gifts`);
    await admin.getByRole("heading", { name: "Gift package", level: 2 }).waitFor();
    const gifts = await admin.locator("main").innerText();
    expect(gifts).toContain("Branded fuzzy socks - One size");
    expect(gifts).toContain(`${newest.firstName}`);
    // App Bridge's resource picker exists only inside Shopify admin: the demo says so.
    await admin.getByRole("button", { name: "Change products" }).click();
    await admin.getByText("The product picker opens when the app runs inside Shopify admin.").waitFor();
    await shot(admin, "gifts-page");
    await expectNoSeriousViolations(admin, "Gifts page");

    await admin.goto(`${demo.appUrl}/app/rewards/settings`);
    await admin.getByRole("heading", { name: "Early access for Gold" }).waitFor();
    expect(await admin.getByTestId("early-access-segment").innerText()).toBe("customer_tags CONTAINS 'ambassador-gold'");
    expect(await admin.getByTestId("early-access-liquid").innerText()).toContain("customer.tags contains 'ambassador-gold'");
    expect(await admin.getByRole("heading", { name: "Early access for Silver" }).count()).toBe(0);
    await shot(admin, "tier-early-access");
  });
});
