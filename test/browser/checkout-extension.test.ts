/**
 * Recruiting at the moment of purchase, in a browser: a repeat buyer signs in on the
 * storefront preview, buys, and the thank-you page hosts our Thank you block (the real
 * bundle, with a stand-in `shopify` object whose session token the local shop signs).
 * One tap applies; the merchant approves on Applications; the customer account page (the
 * full-page extension, hosted the same way) shows the code, and so does the block.
 * axe checks both extensions. Screenshots in test-results/checkout-extension-*.png.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "#/demo/demo";
import { repoRoot } from "#/demo/app-config";
import type { CustomerRecord } from "#/local-shop";
import { expectNoSeriousViolations } from "./axe";
import { launchChromium, newPage } from "./chromium";
import { freshTestDatabase } from "../setup/worker-database";
import { prismaClientOn } from "../utils/database";

const artifacts = path.join(repoRoot, "test-results");

let demo: Demo;
let browser: Browser;
let shopper: Page;
let admin: Page;
let db: PrismaClient;
let buyer: CustomerRecord;
let orderPath: string;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `checkout-extension-${name}.png`), fullPage: true });

/** The hosted extension's frame on the shopper's page. */
async function extensionFrame(title: RegExp): Promise<Frame> {
  const handle = await shopper.locator("iframe[data-extension]").first().elementHandle();
  const frame = await handle!.contentFrame();
  if (!frame) throw new Error("The extension frame has no document");
  await frame.waitForLoadState("load");
  expect(await handle!.getAttribute("title")).toMatch(title);
  return frame;
}

/** Reloads `url` until the extension's frame shows `text` (the app applies webhooks and jobs in the background). */
async function frameShowing(url: string, title: RegExp, text: string | RegExp, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await shopper.goto(url);
    const frame = await extensionFrame(title);
    try {
      await frame.getByText(text).first().waitFor({ timeout: 3_000 });
      return frame;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** axe inside the extension's document (it runs in a sandbox of its own, like Shopify's). */
function frameAsPage(frame: Frame): Page {
  return frame as unknown as Page;
}

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  demo = await startDemo({
    appPort: 0,
    storefrontPort: 0,
    customers: 120,
    orders: 400,
    databaseUrl: await freshTestDatabase("checkout_extension"),
  });
  db = prismaClientOn(demo.databaseUrl);
  browser = await launchChromium();
  shopper = await newPage(browser);
  admin = await newPage(browser);
  // A repeat buyer with an email, who is not in the program yet.
  buyer = demo.localShop.store.customers.find((c) => c.orderIds.length >= 2 && c.email && c.firstName)!;
  // The install's history sync has counted their orders.
  for (const deadline = Date.now() + 60_000; ; ) {
    const stats = await db.customerStats.findUnique({ where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } } });
    if (stats) break;
    if (Date.now() > deadline) throw new Error("The history sync did not count the buyer's orders");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 300_000);

afterAll(async () => {
  await db?.$disconnect();
  await browser?.close();
  await demo?.close();
});

describe("buy → thank you → become an ambassador → approved → the account page shows the code", () => {
  it("the signed-in repeat buyer buys, and the Thank you block invites them", async () => {
    await shopper.goto(`${demo.storefrontUrl}/account/login?customer_id=${buyer.legacyResourceId}&return_to=/products/demo-product`);
    await shopper.getByRole("button", { name: /add to cart/i }).click();
    await shopper.goto(`${demo.storefrontUrl}/checkout`);
    await shopper.getByRole("button", { name: "Pay now" }).click();
    await shopper.getByRole("heading", { name: /^Thank you/ }).waitFor();
    orderPath = new URL(shopper.url()).pathname;
    expect(orderPath).toMatch(/^\/thank-you\/\d+$/);

    const frame = await frameShowing(`${demo.storefrontUrl}${orderPath}`, /Thank you block/, "Love it? Become an ambassador");
    expect(await frame.getByText("account's name and email").count()).toBe(1);
    await shot(shopper, "1-invited");
    await expectNoSeriousViolations(frameAsPage(frame), "Thank you block, invitation");
  });

  it("one tap applies, with the customer's Shopify name and email, and the block shows the application", async () => {
    const frame = await extensionFrame(/Thank you block/);
    await frame.getByRole("button", { name: "Become an ambassador" }).click();
    await frame.getByText("Thanks for applying!").first().waitFor();
    // The block reads its state again: the invitation gives way to the application.
    await frame.getByRole("button", { name: "Become an ambassador" }).waitFor({ state: "detached" });
    const application = await db.ambassadorApplication.findFirstOrThrow({ where: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } });
    expect(application).toMatchObject({ email: buyer.email!.toLowerCase(), status: "pending", submissions: 1 });
    await shot(shopper, "2-applied");
    await expectNoSeriousViolations(frameAsPage(frame), "Thank you block, applied");
  });

  it("the merchant approves the application in the app", async () => {
    await admin.goto(`${demo.appUrl}/app/applications`);
    await admin.getByRole("heading", { name: "Applications", level: 1 }).waitFor();
    const name = [buyer.firstName, buyer.lastName].filter(Boolean).join(" ");
    await admin.getByRole("button", { name: `Approve ${name}` }).click();
    await admin.getByText("1 application approved.").waitFor();
  });

  it("the customer account page shows the code and share link", async () => {
    const frame = await frameShowing(`${demo.storefrontUrl}/account/ambassador`, /customer account page/, "Your code and link");
    const ambassador = await db.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } },
    });
    expect(ambassador.code).toMatch(/^[A-Z]+\d+$/);
    await frame.getByText(ambassador.code!, { exact: true }).first().waitFor();
    expect(await frame.getByRole("button", { name: `Copy code: ${ambassador.code}` }).count()).toBe(1);
    expect(await frame.getByRole("heading", { name: "Your rewards" }).count()).toBe(1);
    await shot(shopper, "3-account-page");
    await expectNoSeriousViolations(frameAsPage(frame), "Customer account page");

    // The content form answers with the app's field errors, read by a screen reader too.
    await frame.getByRole("button", { name: "Send link" }).click();
    await frame.getByText("Please check the highlighted fields.").waitFor();
    await expectNoSeriousViolations(frameAsPage(frame), "Customer account page, field errors");
  });

  it("back on the order's page, the block shows the ambassador their code", async () => {
    const ambassador = await db.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } },
    });
    const frame = await frameShowing(`${demo.storefrontUrl}${orderPath}`, /Thank you block/, "Your ambassador code");
    await frame.getByText(ambassador.code!, { exact: true }).first().waitFor();
    expect(await frame.getByRole("button", { name: `Copy code: ${ambassador.code}` }).count()).toBe(1);
    await shot(shopper, "4-ambassador-block");
    await expectNoSeriousViolations(frameAsPage(frame), "Thank you block, ambassador");
  });
});
