import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_KLAVIYO_KEY, type Demo } from "#/demo/demo";
import type { CustomerRecord } from "#/local-shop";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

let session: BrowserDemo;
let demo: Demo;
let page: Page;
let db: PrismaClient;
let buyer: CustomerRecord;

async function applicationStatus(email: string) {
  const application = await db.ambassadorApplication.findUnique({
    where: { shop_email: { shop: demo.shopDomain, email } },
  });
  return application?.status;
}

beforeAll(async () => {
  // The install's history sync gives the applicant their repeat-buyer facts.
  session = await startBrowserDemo("admin_pages", { customers: 200, orders: 700, historySynced: true });
  ({ demo, db } = session);
  page = await session.newPage();
  const found = demo.localShop.store.customers.find((c) => c.orderIds.length >= 3 && c.email);
  if (!found) throw new Error("The demo shop has no customer with 3 orders");
  buyer = found;
  const stats = await db.customerStats.findUnique({
    where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } },
  });
  if (!stats || stats.orderCount < 2) throw new Error("The history sync missed the buyer's orders");

  // Two shoppers applied from the storefront signup block.
  const applied = { shop: demo.shopDomain, consentedAt: new Date(), status: "pending" };
  await db.ambassadorApplication.create({
    data: {
      ...applied,
      name: "Rita Repeat",
      email: (buyer.email ?? "").toLowerCase(),
      customerId: buyer.legacyResourceId,
      socialHandle: "@rita.repeat",
      reason: "I recommend your shop to all my friends.",
      createdAt: new Date(Date.now() - 60_000),
    },
  });
  await db.ambassadorApplication.create({
    data: { ...applied, name: "Sam Spam", email: "sam.spam@example.com", reason: "Free stuff" },
  });
});

afterAll(() => session?.close());

describe("Applications and Community in a browser", () => {
  it("lists the pending applications, newest first, with what the store knows of the buyer", async () => {
    await page.goto(`${demo.appUrl}/app/applications`);
    await page.getByRole("heading", { name: "Applications", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");

    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain("Sam Spam");
    const rita = await rows.nth(1).innerText();
    expect(rita).toContain("Rita Repeat");
    expect(rita).toContain("@rita.repeat");
    expect(rita).toMatch(/Customer\s+\d+ orders · \$[\d,]+\.\d\d spent/);
    expect(await page.getByRole("tab", { name: /Pending/ }).innerText()).toContain("(2)");
    await page.screenshot({ path: path.join(artifacts, "admin-applications.png"), fullPage: true });
  });

  it("approves a selected application: banner, row gone from Pending, code created in Shopify", async () => {
    const rows = page.locator("table tbody tr");
    await rows.filter({ hasText: "Rita Repeat" }).getByRole("checkbox").check({ force: true });
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await page.getByText("1 application approved.").waitFor();
    await page.waitForLoadState("networkidle");

    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).innerText()).toContain("Sam Spam");
    const email = (buyer.email ?? "").toLowerCase();
    expect(await applicationStatus(email)).toBe("approved");

    // The provisioning job the approval started adds the code to the program discount.
    const ambassador = await db.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } },
    });
    expect(ambassador.status).toBe("active");
    await expect
      .poll(
        async () =>
          (await db.ambassadorCode.findFirst({ where: { shop: demo.shopDomain, ambassadorId: ambassador.id } }))
            ?.shopifyState,
        { timeout: 30_000 },
      )
      .toBe("present");
    await page.screenshot({ path: path.join(artifacts, "admin-applications-approved.png"), fullPage: true });

    // The Approved tab links to the ambassador's page.
    await page.getByRole("tab", { name: /Approved/ }).click();
    await page.waitForURL(/status=approved/);
    const link = page.getByRole("link", { name: "View ambassador" });
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe(`/app/ambassadors/${ambassador.id}`);

    // One truth: Candidates shows the approved applicant as Approved, in its Approved tab.
    await page.goto(`${demo.appUrl}/app/candidates?status=approved`);
    await page.getByRole("heading", { name: "Candidates", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const row = page.locator("table tbody tr").filter({ hasText: email });
    await row.waitFor();
    expect(await row.innerText()).toContain("Approved");
    await page.screenshot({ path: path.join(artifacts, "admin-candidates-approved-applicant.png"), fullPage: true });
    await page.goto(`${demo.appUrl}/app/applications?status=approved`);
    await page.getByRole("heading", { name: "Applications", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
  });

  it("rejects one application from its row", async () => {
    await page.getByRole("tab", { name: /Pending/ }).click();
    await page.waitForURL((url) => !url.searchParams.has("status"));
    await page.getByRole("button", { name: "Reject Sam Spam" }).click();
    await page.getByText("1 application rejected.").waitFor();
    await expect.poll(() => applicationStatus("sam.spam@example.com")).toBe("rejected");
    await page.getByText("No applications waiting").waitFor();
  });

  it("posts program news: errors on the fields first, then the news in the list", async () => {
    await page.goto(`${demo.appUrl}/app/community`);
    await page.getByRole("heading", { name: "Community", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");

    await page.getByRole("button", { name: "Post news" }).click();
    await page.getByText("Title is required.").waitFor();
    await page.getByText("Message is required.").waitFor();
    expect(await db.programNews.count({ where: { shop: demo.shopDomain } })).toBe(0);

    await page.getByLabel("Title").fill("Summer collection is here");
    await page.getByLabel("Message").fill("Share your code: your friends get 10% off all summer.");
    await page.getByRole("button", { name: "Post news" }).click();
    await page.getByText(/"Summer collection is here" is posted/).waitFor();

    const item = page.getByTestId("news-item").filter({ hasText: "Summer collection is here" });
    await item.waitFor();
    expect(await item.innerText()).toContain("your friends get 10% off all summer");
    // The form is cleared for the next message, and the field errors are gone.
    expect(await page.getByLabel("Title").inputValue()).toBe("");
    expect(await page.getByText("Title is required.").count()).toBe(0);
    const stored = await db.programNews.findMany({ where: { shop: demo.shopDomain } });
    expect(stored.map((n) => n.title)).toEqual(["Summer collection is here"]);
  });

  it("shows the ambassador's feedback (unread first marked) and content links, safely", async () => {
    const ambassador = await db.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: demo.shopDomain, customerId: buyer.legacyResourceId } },
    });
    const shop = demo.shopDomain;
    const feedback = await db.ambassadorFeedback.create({
      data: { shop, ambassadorId: ambassador.id, rating: 4, message: "My followers love the code." },
    });
    await db.contentSubmission.createMany({
      data: [
        { shop, ambassadorId: ambassador.id, url: "https://video.example/unboxing", note: "Unboxing video" },
        { shop, ambassadorId: ambassador.id, url: "javascript:alert(1)", createdAt: new Date(Date.now() - 60_000) },
      ],
    });
    await page.reload();
    await page.waitForLoadState("networkidle");

    const name = [ambassador.firstName, ambassador.lastName].filter(Boolean).join(" ");
    const video = page.locator('a[href="https://video.example/unboxing"]');
    expect(await video.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await video.getAttribute("target")).toBe("_blank");
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.getByText("javascript:alert(1) (not a web link)").waitFor();
    const links = page.getByRole("link", { name });
    expect(await links.first().getAttribute("href")).toBe(`/app/ambassadors/${ambassador.id}`);
    await page.getByText("1 unread of 1").waitFor();
    await page.screenshot({ path: path.join(artifacts, "admin-community.png"), fullPage: true });

    await page.getByRole("button", { name: `Mark as read: the message from ${name}` }).click();
    await page.getByText("Marked as read.").waitFor();
    await page.getByText("1 message, all read").waitFor();
    const stored = await db.ambassadorFeedback.findUniqueOrThrow({ where: { id: feedback.id } });
    expect(stored.readAt).not.toBeNull();
  });
});

describe("Navigation and exports in a browser", () => {
  it("keeps the app navigation to 7 entries and reaches the other pages from Settings", async () => {
    await page.goto(`${demo.appUrl}/app`);
    await page.waitForLoadState("networkidle");
    const entries = await page.locator("ui-nav-menu a:not([rel=home])").allInnerTexts();
    expect(entries).toEqual(["Dashboard", "Candidates", "Applications", "Ambassadors", "Rewards", "Community", "Settings"]);

    await page.goto(`${demo.appUrl}/app/settings`);
    await page.getByRole("heading", { name: "More settings" }).waitFor();
    await page.screenshot({ path: path.join(artifacts, "admin-settings-more.png"), fullPage: true });
    for (const [link, heading] of [
      ["Order check", "Order check"],
      ["Data requests", "Data requests"],
      ["Offer and codes", "Offer and codes"],
      ["Email and automation", "Email and automation"],
      ["Gifts", "Gifts"],
    ]) {
      await page.getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await page.getByRole("link", { name: "Settings" }).first().click();
      await page.getByRole("heading", { name: "More settings" }).waitFor();
    }
  });

  it("connects Klaviyo with a checked key, never shows it, and asks before disconnecting", async () => {
    await page.goto(`${demo.appUrl}/app/integrations`);
    await page.getByRole("heading", { name: "Email and automation", level: 1 }).waitFor();
    const field = page.getByLabel("Private API key");
    await field.fill("pk_wrong_key_for_this_account");
    await page.getByRole("button", { name: "Connect Klaviyo" }).click();
    await page.getByText("Klaviyo refused this key").waitFor();
    expect(await db.klaviyoConnection.count()).toBe(0);

    await page.getByLabel("Private API key").fill(DEMO_KLAVIYO_KEY);
    await page.getByRole("button", { name: "Connect Klaviyo" }).click();
    await page.getByText(`Connected with the private key ending in …${DEMO_KLAVIYO_KEY.slice(-4)}`).waitFor();
    await page.screenshot({ path: path.join(artifacts, "admin-integrations-klaviyo.png"), fullPage: true });
    expect(await page.content()).not.toContain(DEMO_KLAVIYO_KEY);
    expect(await page.getByLabel("Replace with a new private API key").inputValue()).toBe("");

    await page.getByRole("button", { name: "Disconnect Klaviyo" }).click();
    await page.getByRole("dialog").getByText("The saved key is deleted.", { exact: false }).waitFor();
    expect(await db.klaviyoConnection.count()).toBe(1);
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect Klaviyo" }).click();
    await page.getByText("Klaviyo is disconnected and the key is deleted.").waitFor();
    expect(await db.klaviyoConnection.count()).toBe(0);
  });

  it("downloads the ambassadors and payouts CSV files with their rows", async () => {
    await page.goto(`${demo.appUrl}/app/rewards`);
    await page.getByRole("heading", { name: "Rewards", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");

    const downloaded = async (button: string) => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: button }).click(),
      ]);
      const file = path.join(artifacts, download.suggestedFilename());
      await download.saveAs(file);
      return { name: download.suggestedFilename(), lines: fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "").trim().split("\r\n") };
    };

    const ambassadors = await downloaded("Export ambassadors (CSV)");
    expect(ambassadors.name).toBe("ambassadors.csv");
    expect(ambassadors.lines[0]).toMatch(/^Ambassador id,First name,Last name,Email,Code,Status/);
    const email = (buyer.email ?? "").toLowerCase();
    const rows = ambassadors.lines.slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0].toLowerCase()).toContain(email);
    expect(rows[0]).toContain("active");

    const payouts = await downloaded("Export payouts (CSV)");
    expect(payouts.name).toBe("payouts.csv");
    expect(payouts.lines).toEqual([expect.stringMatching(/^Payout id,Created at,Ambassador id,Ambassador,Email,Amount/)]);
    expect(page.url()).toContain("/app/rewards");
    await page.screenshot({ path: path.join(artifacts, "admin-rewards-exports.png"), fullPage: true });
  });
});
