import path from "node:path";
import type { Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

// What the merchant is told. Destructive and store-wide actions ask first: each opens a
// dialog that says what will change in Shopify, Cancel changes nothing, and only the
// dialog's button acts. An action that did nothing says so; an empty list says why.

let session: BrowserDemo;
let demo: Demo;
let page: Page;
let db: PrismaClient;
let ambassadorId: string;

const programDiscount = () => demo.localShop.store.discounts.find((d) => d.title === "Ambassador program");
const discountActive = () => {
  const discount = programDiscount();
  return discount ? discount.endsAt === null || discount.endsAt > Date.now() : null;
};

async function open(pathname: string, heading: string) {
  await page.goto(`${demo.appUrl}${pathname}`);
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
}

/** Clicks `button`, checks the dialog, cancels it, and returns it for the real click. */
async function dialogAfterCancel(button: () => Promise<void>, title: string, says: string) {
  await button();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.waitFor();
  expect(await dialog.innerText()).toContain(says);
  await page.screenshot({ path: path.join(artifacts, `confirm-${title.replace(/\W+/g, "-").toLowerCase()}.png`), fullPage: true });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  await button();
  await dialog.waitFor();
  return dialog;
}

beforeAll(async () => {
  session = await startBrowserDemo("admin_feedback", { customers: 120, orders: 300 });
  ({ demo, db } = session);
  page = await session.newPage();

  // One approved ambassador, so the program discount exists in the local shop.
  const customer = demo.localShop.store.customers.find((c) => c.email && c.firstName);
  if (!customer) throw new Error("The demo shop has no customer with an email");
  await db.ambassadorApplication.create({
    data: {
      shop: demo.shopDomain,
      status: "pending",
      consentedAt: new Date(),
      name: `${customer.firstName} Applicant`,
      email: (customer.email ?? "").toLowerCase(),
      customerId: customer.legacyResourceId,
    },
  });
  await open("/app/applications", "Applications");
  await page.getByRole("button", { name: `Approve ${customer.firstName} Applicant` }).click();
  await page.getByText("1 application approved.").waitFor();
  const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop: demo.shopDomain } });
  ambassadorId = ambassador.id;
  // The provisioning job creates the program discount in the local shop.
  for (const deadline = Date.now() + 30_000; discountActive() !== true; ) {
    if (Date.now() > deadline) throw new Error("The approval did not create the program discount");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(() => session?.close());

describe("honest feedback", () => {
  it("Rewards: empty lists say why, and approving with nothing due says nothing was approved", async () => {
    await open("/app/rewards", "Rewards");
    await page.getByText("No rewards yet").waitFor();
    await page.getByText("No payouts yet").waitFor();
    expect(await page.getByText(/Try changing the filters/).count()).toBe(0);
    await page.getByRole("button", { name: "Approve rewards past their hold now" }).click();
    await page.getByText("No rewards were past their hold: nothing was approved.").waitFor();
    await page.screenshot({ path: path.join(artifacts, "feedback-rewards-nothing-due.png"), fullPage: true });

    await page.getByLabel("Status").selectOption("paid");
    await page.getByText("No payouts match these filters").waitFor();
  });
});

describe("confirmations before destructive and store-wide actions", () => {
  it("Pause all codes: the dialog says the program discount is deactivated in Shopify", async () => {
    await open("/app/program", "Offer and codes");
    const dialog = await dialogAfterCancel(
      () => page.getByRole("button", { name: "Pause all codes now" }).click(),
      "Pause all ambassador codes?",
      "deactivates the “Ambassador program” discount in Shopify",
    );
    expect(discountActive()).toBe(true);
    await dialog.getByRole("button", { name: "Pause all codes" }).click();
    await page.getByText("Ambassador codes are paused in Shopify").waitFor();
    expect(discountActive()).toBe(false);
  });

  it("Remove from program: the dialog names the code switched off and the tag taken off", async () => {
    const ambassador = await db.ambassador.findUniqueOrThrow({ where: { id: ambassadorId } });
    const name = [ambassador.firstName, ambassador.lastName].filter(Boolean).join(" ");
    await open(`/app/ambassadors/${encodeURIComponent(ambassadorId)}`, name);
    const dialog = await dialogAfterCancel(
      () => page.getByRole("button", { name: "Remove from program" }).click(),
      `Remove ${name} from the program?`,
      `Their code ${ambassador.code} is switched off in Shopify`,
    );
    expect((await db.ambassador.findUniqueOrThrow({ where: { id: ambassadorId } })).status).toBe("active");
    await dialog.getByRole("button", { name: "Remove from program" }).click();
    await expect.poll(async () => (await db.ambassador.findUniqueOrThrow({ where: { id: ambassadorId } })).status).toBe("removed");
  });

  it("Delete a tier: the dialog says its tag is taken off in Shopify", async () => {
    await db.rewardTier.create({
      data: { shop: demo.shopDomain, name: "Gold", minSalesCents: 100_000n, minOrders: 0, commissionBasisPoints: 1_500, tag: "ambassador-gold" },
    });
    await open("/app/rewards/settings", "Reward settings");
    const dialog = await dialogAfterCancel(
      () => page.getByRole("button", { name: "Delete tier Gold" }).click(),
      "Delete the Gold tier?",
      "the “ambassador-gold” tag is taken off their customers in Shopify",
    );
    expect(await db.rewardTier.count({ where: { shop: demo.shopDomain } })).toBe(1);
    await dialog.getByRole("button", { name: "Delete tier" }).click();
    await expect.poll(() => db.rewardTier.count({ where: { shop: demo.shopDomain } })).toBe(0);
  });
});
