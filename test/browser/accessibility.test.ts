/**
 * Accessibility (issue 7): axe-core on every admin page of the demo and on both storefront
 * blocks in their empty, error and success states, with no serious or critical violation;
 * and a signup made with the keyboard alone. One demo for the whole file: a shop with order
 * history, the dashboard's analytics scenario, an application, news and feedback, so every
 * page shows its tables, charts and banners rather than empty states.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT, type Demo } from "#/demo/demo";
import type { CustomerRecord } from "#/local-shop";
import { expectNoSeriousViolations as expectNoSeriousViolationsOn, type AxeViolation } from "./axe";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

let session: BrowserDemo;
let demo: Demo;
let browser: Browser;
let admin: Page;
let db: PrismaClient;
let buyer: CustomerRecord;

beforeAll(async () => {
  session = await startBrowserDemo("accessibility", { customers: 200, orders: 700, historySynced: true });
  ({ demo, db, browser } = session);
  const shop = demo.shopDomain;
  // Imported now: the factory opens the app's database client on DATABASE_URL, which the
  // demo has just pointed at its own file.
  const { seedAnalyticsScenario, seedFraudFlag, scenarioDates } = await import("#/factories/analytics");
  await seedAnalyticsScenario(shop, new Date());
  await seedFraudFlag(shop, {
    ambassadorId: `${shop}:max`,
    kind: "velocity",
    sourceKey: "velocity:MAX200:today",
    detail: "MAX200 was used by 25 new customers in 24 hours (limit 20).",
    createdAt: scenarioDates(new Date()).ago(0, 0),
  });

  const found = demo.localShop.store.customers.find((c) => c.orderIds.length >= 3 && c.email && c.firstName);
  if (!found) throw new Error("The demo shop has no customer with 3 orders");
  buyer = found;
  await db.ambassadorApplication.create({
    data: {
      shop,
      status: "pending",
      consentedAt: new Date(),
      name: `${buyer.firstName} Repeat`,
      email: (buyer.email ?? "").toLowerCase(),
      customerId: buyer.legacyResourceId,
      socialHandle: "@repeat.buyer",
      reason: "I recommend your shop to all my friends.",
    },
  });
  await db.programNews.create({ data: { shop, title: "Summer collection", body: "Your friends get 10% off all summer." } });
  await db.ambassadorFeedback.create({ data: { shop, ambassadorId: `${shop}:jane`, rating: 4, message: "Lovely packaging." } });
  await db.contentSubmission.create({
    data: { shop, ambassadorId: `${shop}:jane`, url: "https://video.example/unboxing", note: "Unboxing video" },
  });

  admin = await session.newPage();
});

/** The moderate and minor findings, by page, for people to read (they do not fail the run). */
const lesserFindings: Record<string, string[]> = {};

async function expectNoSeriousViolations(page: Page, label: string) {
  const lesser: AxeViolation[] = await expectNoSeriousViolationsOn(page, label);
  lesserFindings[label] = lesser.map((v) => `${v.id} [${v.impact}] ${v.targets.length}×`);
}

afterAll(async () => {
  fs.writeFileSync(path.join(artifacts, "accessibility-lesser-findings.json"), JSON.stringify(lesserFindings, null, 2));
  await session?.close();
});

/** Opens an admin page and waits until it has drawn what it loaded. */
async function openAdminPage(pathname: string, heading: string | RegExp) {
  await admin.goto(`${demo.appUrl}${pathname}`);
  await admin.getByRole("heading", { name: heading, level: 1 }).waitFor();
  await admin.waitForLoadState("networkidle");
}

describe("admin pages have no serious or critical accessibility violations", () => {
  it("home", async () => {
    await openAdminPage("/app", demo.shopName);
    await expectNoSeriousViolations(admin, "Home");
  });

  it("dashboard, with its charts drawn", async () => {
    await openAdminPage("/app/dashboard", "Dashboard");
    // Retention comes from the metrics job; the page re-reads itself until it is there.
    await admin.getByTestId("retention-summary").waitFor({ timeout: 30_000 });
    for (const name of [/^Repeat rate within 90 days by first-order month/, /^Attributed revenue over time/]) {
      await admin.getByRole("figure", { name }).locator("svg").first().waitFor({ timeout: 15_000 });
    }
    // The drawings are out of the tab order (Polaris Viz makes every point a tab stop) ...
    const tabStops = await admin.getByRole("figure").evaluateAll((figures) =>
      figures.flatMap((f) => Array.from(f.querySelectorAll<HTMLElement>("*")).filter((el) => el.tabIndex >= 0)).length,
    );
    expect(tabStops).toBe(0);
    // ... and a screen reader gets the revenue per day as a table.
    const revenue = admin.getByRole("figure", { name: "Attributed revenue over time" }).getByRole("table");
    expect(await revenue.getByRole("columnheader").allInnerTexts()).toEqual(["Day", "Revenue", "Orders"]);
    expect(await revenue.locator("tbody tr").count()).toBeGreaterThanOrEqual(30);
    await expectNoSeriousViolations(admin, "Dashboard");
  });

  it("candidates", async () => {
    await openAdminPage("/app/candidates", "Candidates");
    await admin.locator("table tbody tr").first().waitFor();
    await expectNoSeriousViolations(admin, "Candidates");
  });

  it("applications, before and after approving one", async () => {
    await openAdminPage("/app/applications", "Applications");
    await admin.locator("table tbody tr").first().waitFor();
    await expectNoSeriousViolations(admin, "Applications");

    await admin.getByRole("button", { name: `Approve ${buyer.firstName} Repeat` }).click();
    await admin.getByText("1 application approved.").waitFor();
    await admin.waitForLoadState("networkidle");
    await expectNoSeriousViolations(admin, "Applications, approved banner");
  });

  it("ambassadors list and an ambassador's page", async () => {
    await openAdminPage("/app/ambassadors", "Ambassadors");
    await admin.locator("table tbody tr").first().waitFor();
    await expectNoSeriousViolations(admin, "Ambassadors");

    await openAdminPage(`/app/ambassadors/${encodeURIComponent(`${demo.shopDomain}:max`)}`, "Max Power");
    await expectNoSeriousViolations(admin, "Ambassador (Max Power, flagged)");
  });

  it("community, also with field errors", async () => {
    await openAdminPage("/app/community", "Community");
    await expectNoSeriousViolations(admin, "Community");
    await admin.getByRole("button", { name: "Post news" }).click();
    await admin.getByText("Title is required.").waitFor();
    await expectNoSeriousViolations(admin, "Community, field errors");
  });

  it("offer and codes, also with field errors", async () => {
    await openAdminPage("/app/program", "Offer and codes");
    await expectNoSeriousViolations(admin, "Offer and codes");
    await admin.getByRole("textbox", { name: "Percentage off" }).fill("150");
    await admin.getByRole("button", { name: "Save", exact: true }).click();
    await admin.getByText("Some fields need fixing: nothing was saved").waitFor();
    expect(await admin.getByRole("textbox", { name: "Percentage off" }).getAttribute("aria-invalid")).toBe("true");
    await expectNoSeriousViolations(admin, "Offer and codes, field errors");
  });

  it("rewards payouts and reward settings", async () => {
    await openAdminPage("/app/rewards", "Rewards");
    await expectNoSeriousViolations(admin, "Rewards");
    await openAdminPage("/app/rewards/settings", "Reward settings");
    await expectNoSeriousViolations(admin, "Reward settings");
  });

  it("order check", async () => {
    await openAdminPage("/app/reconciliation", "Order check");
    await expectNoSeriousViolations(admin, "Order check");
  });

  it("email and automation", async () => {
    await openAdminPage("/app/integrations", "Email and automation");
    await expectNoSeriousViolations(admin, "Email and automation");
  });

  it("data requests", async () => {
    await openAdminPage("/app/data-requests", "Data requests");
    await expectNoSeriousViolations(admin, "Data requests");
  });

  it("reviews and mentions, with a preview and its row errors", async () => {
    await openAdminPage("/app/signals", "Reviews and mentions");
    await expectNoSeriousViolations(admin, "Reviews and mentions");
    const file = "email,rating,date,text\nrepeat@mail.example,5,2026-10-01,Lovely\nnobody,9,yesterday,Bad row\n";
    await admin.locator('[data-import-file="reviews"]').setInputFiles({ name: "reviews.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    await admin.getByRole("button", { name: "Preview" }).first().click();
    await admin.getByText(/^Line 3: /).waitFor();
    await expectNoSeriousViolations(admin, "Reviews and mentions, preview");
  });

  it("program settings, also with a field error", async () => {
    await openAdminPage("/app/settings", "Program settings");
    await expectNoSeriousViolations(admin, "Program settings");
    await admin.getByLabel("Minimum spend").fill("a lot");
    await admin.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => admin.getByLabel("Minimum spend").getAttribute("aria-invalid")).toBe("true");
    await expectNoSeriousViolations(admin, "Program settings, field error");
  });
});

/** A fresh browser session (own cookies), logged in as `customer` or anonymous, on the home page. */
async function shopperPage(customer: CustomerRecord | null): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
  const page = await context.newPage();
  if (customer) {
    await page.goto(`${demo.storefrontUrl}/account/login?customer_id=${customer.legacyResourceId}&return_to=/`);
    await page.getByText(`Signed in as ${customer.firstName}`).waitFor();
  } else {
    await page.goto(`${demo.storefrontUrl}/`);
  }
  await page.waitForLoadState("networkidle");
  return { context, page };
}

/** What a screen reader reads after a field's label: the text of its aria-describedby. */
function description(page: Page, name: string) {
  return page.locator(`[data-ambassadors="signup"] [name="${name}"]`).evaluate((field) =>
    (field.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
      .filter(Boolean)
      .join(" "),
  );
}

const activeField = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("name") ?? document.activeElement?.tagName);

describe("storefront blocks", () => {
  it("signup: labelled, errors announced, and a signup with the keyboard alone", async () => {
    const { context, page } = await shopperPage(null);
    const block = page.locator('[data-ambassadors="signup"]');
    await block.getByRole("heading", { name: "Become an ambassador" }).waitFor();
    await expectNoSeriousViolations(page, "Signup block, empty");
    // Every field the shopper can reach has a label that names it.
    for (const label of ["Name", "Email", /Instagram|social/i, /Why/i, /I agree/]) {
      expect(await block.getByLabel(label).count()).toBe(1);
    }

    // From the top of the page, Tab until the focus reaches the form's first field.
    for (let tabs = 0; (await activeField(page)) !== "name"; tabs++) {
      if (tabs > 20) throw new Error("Tab never reached the signup form's Name field");
      await page.keyboard.press("Tab");
    }
    await page.keyboard.type("Kim Keyboard");
    await page.keyboard.press("Tab");
    await page.keyboard.type("kim-at-example");
    // Tab past social handle and reason, skip consent, to the button; Enter sends.
    for (const expected of ["social_handle", "reason", "consent", "BUTTON"]) {
      await page.keyboard.press("Tab");
      expect(await activeField(page)).toBe(expected);
    }
    await page.keyboard.press("Enter");

    // The status region announces the outcome; each field says what is wrong with it.
    const status = block.locator("form [data-ambassadors-status]");
    await expect.poll(() => status.innerText()).toBe("Please check the highlighted fields.");
    expect(await status.getAttribute("aria-live")).toBe("polite");
    expect(await block.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    expect(await description(page, "email")).toBe("Enter an email address like name@example.com.");
    expect(await block.getByLabel(/I agree/).getAttribute("aria-invalid")).toBe("true");
    expect(await description(page, "consent")).not.toBe("");
    expect(await block.getByLabel("Name").getAttribute("aria-invalid")).toBeNull();
    // The first field in error has the focus.
    expect(await activeField(page)).toBe("email");
    await expectNoSeriousViolations(page, "Signup block, field errors");
    await page.screenshot({ path: path.join(artifacts, "a11y-signup-errors.png"), fullPage: true });

    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("kim.keyboard@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.type("@kim");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Everything I bought here still works.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");

    const notice = block.locator("[data-ambassadors-notice]");
    await expect.poll(() => notice.innerText()).toBe("Thanks for applying! We'll be in touch soon.");
    expect(await notice.getAttribute("aria-live")).toBe("polite");
    expect(await block.locator("form").isHidden()).toBe(true);
    // The focus moved from the vanished button to the answer, not back to the page's top.
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-ambassadors-notice"))).toBe(true);
    const application = await db.ambassadorApplication.findUnique({
      where: { shop_email: { shop: demo.shopDomain, email: "kim.keyboard@example.com" } },
    });
    expect(application).toMatchObject({ name: "Kim Keyboard", socialHandle: "@kim", status: "pending" });
    await expectNoSeriousViolations(page, "Signup block, applied");
    await page.screenshot({ path: path.join(artifacts, "a11y-signup-done.png"), fullPage: true });
    await context.close();
  });

  it("portal: the approved ambassador's block, its forms' errors and successes", async () => {
    // The application approved in the admin above: the provisioning job writes the
    // customer's metafields, which make the theme render the portal.
    const ambassador = await db.ambassador.findFirstOrThrow({
      where: { shop: demo.shopDomain, customerId: buyer.legacyResourceId },
    });
    await expect
      .poll(async () => (await db.ambassador.findUniqueOrThrow({ where: { id: ambassador.id } })).metafieldsCode, {
        timeout: 30_000,
      })
      .toBe(ambassador.code);

    const { context, page } = await shopperPage(buyer);
    const portal = page.locator('[data-ambassadors="portal"]');
    await expect.poll(() => portal.getAttribute("aria-busy")).toBeNull();
    expect(await portal.getByLabel("Your code").inputValue()).toBe(ambassador.code);
    await expectNoSeriousViolations(page, "Portal block");

    await portal.getByRole("button", { name: "Send link" }).press("Enter");
    const url = portal.getByLabel("Link to your post, video or review");
    await expect.poll(() => url.getAttribute("aria-invalid")).toBe("true");
    expect(await activeField(page)).toBe("url");
    await expectNoSeriousViolations(page, "Portal block, field errors");

    await page.keyboard.type("https://video.example/unboxing");
    await portal.getByRole("button", { name: "Send link" }).press("Enter");
    await portal.getByText("Thanks! We've received your link.").waitFor();
    await expectNoSeriousViolations(page, "Portal block, link sent");
    await page.screenshot({ path: path.join(artifacts, "a11y-portal.png"), fullPage: true });
    await context.close();
  });
});
