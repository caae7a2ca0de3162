import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT, type Demo } from "#/demo/demo";
import { expectNoSeriousViolations } from "./axe";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

// A shopper signs up through the storefront preview's signup block (signed app-proxy
// calls to the built app), the merchant's approval creates their code in the local shop,
// and the portal block then shows the code to that customer only, with their rewards; a
// paused code is neither shown nor applied by its share link.
let session: BrowserDemo;
let demo: Demo;
let browser: Browser;
let db: PrismaClient;

interface Shopper {
  id: string;
  firstName: string;
  email: string;
}

let applicant: Shopper;
let otherCustomer: Shopper;

beforeAll(async () => {
  session = await startBrowserDemo("storefront", { customers: 200, orders: 500 });
  ({ demo, db, browser } = session);
  const withEmail = demo.localShop.store.customers.filter((c) => c.email && c.firstName);
  const pick = (c: (typeof withEmail)[number]): Shopper => ({ id: c.legacyResourceId, firstName: c.firstName ?? "", email: c.email ?? "" });
  applicant = pick(withEmail[0]);
  otherCustomer = pick(withEmail[1]);
});

afterAll(() => session?.close());

/** A fresh browser session (own cookies) logged in as `shopper`, on the home page. */
async function shopperPage(shopper: Shopper | null): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
  const page = await context.newPage();
  if (shopper) {
    await page.goto(`${demo.storefrontUrl}/account/login?customer_id=${shopper.id}&return_to=/`);
    await page.getByText(`Signed in as ${shopper.firstName}`).waitFor();
  } else {
    await page.goto(`${demo.storefrontUrl}/`);
  }
  return { context, page };
}

function signupBlock(page: Page) {
  return page.locator('[data-ambassadors="signup"]');
}

function portalBlock(page: Page) {
  return page.locator('[data-ambassadors="portal"]');
}

/** Cumulative layout shift so far (shifts right after user input excluded, as CLS does). */
function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
            if (!entry.hadRecentInput) total += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve(total), 300);
      }),
  );
}

async function waitFor(condition: () => Promise<boolean>, label: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("storefront signup and portal blocks", () => {
  it("shows an anonymous shopper the signup form and no portal", async () => {
    const { context, page } = await shopperPage(null);
    await page.getByRole("heading", { name: "Become an ambassador" }).waitFor();
    await expect.poll(() => signupBlock(page).getByLabel("Email").inputValue()).toBe("");
    expect(await portalBlock(page).count()).toBe(0);
    expect(await page.getByRole("link", { name: /Log in to apply faster/ }).count()).toBe(1);
    expect(await layoutShift(page)).toBe(0);
    await context.close();
  });

  it("lets a logged-in customer apply with the keyboard, after showing what to fix", async () => {
    const { context, page } = await shopperPage(applicant);
    const block = signupBlock(page);
    // Logged in: the email is prefilled from Liquid's `customer`.
    expect(await block.getByLabel("Email").inputValue()).toBe(applicant.email);
    // Not an ambassador: no portal, and nothing moved while the proxy answered.
    expect(await portalBlock(page).count()).toBe(0);
    await page.waitForLoadState("networkidle");
    expect(await layoutShift(page)).toBe(0);

    await block.getByLabel("Name").fill("");
    await block.getByLabel("Email").fill("not-an-email");
    await block.getByRole("button", { name: "Apply now" }).click();
    await block.getByText("Please check the highlighted fields.").waitFor();
    await block.getByText("Please fill in this field.").first().waitFor();
    await block.getByText("Enter an email address like name@example.com.").waitFor();
    expect(await block.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    // The first field in error has the focus, so a keyboard user lands on it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("name");
    expect(await db.ambassadorApplication.count({ where: { shop: demo.shopDomain } })).toBe(0);
    await page.screenshot({ path: path.join(artifacts, "storefront-signup-errors.png"), fullPage: true });

    // Keyboard only from here: type, Tab between fields, Space for the checkbox, Enter to send.
    await page.keyboard.type(`${applicant.firstName} Tester`);
    await page.keyboard.press("Tab");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(applicant.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type("@tester");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Best coffee in town.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    expect(await block.getByLabel(/I agree/).isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await block.getByText("Thanks for applying! We'll be in touch soon.").waitFor();
    expect(await block.locator("form").isHidden()).toBe(true);

    const application = await db.ambassadorApplication.findFirstOrThrow({ where: { shop: demo.shopDomain } });
    expect(application).toMatchObject({
      email: applicant.email.toLowerCase(),
      name: `${applicant.firstName} Tester`,
      socialHandle: "@tester",
      reason: "Best coffee in town.",
      customerId: applicant.id,
      status: "pending",
    });
    await page.screenshot({ path: path.join(artifacts, "storefront-signup-done.png"), fullPage: true });

    // Back on the page later, they see where their application stands instead of the form.
    await page.reload();
    await block.getByText("Thanks for applying! We'll be in touch soon.").waitFor();
    expect(await block.locator("form").isHidden()).toBe(true);
    // The block kept its height while the form gave way to the notice.
    expect(await layoutShift(page)).toBe(0);
    await context.close();
  });

  it("after approval, shows the code and share link to that customer and not to another", async () => {
    // The merchant approves the application in the admin; the app's provisioning job
    // creates the code in the local shop and writes the customer's metafields.
    const application = await db.ambassadorApplication.findFirstOrThrow({ where: { shop: demo.shopDomain } });
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
    await admin.goto(`${demo.appUrl}/app/applications`);
    await admin.getByRole("button", { name: `Approve ${application.name}` }).click();
    await waitFor(async () => {
      const row = await db.ambassadorApplication.findUniqueOrThrow({ where: { id: application.id } });
      return row.status === "approved";
    }, "the application to be approved");
    await admin.screenshot({ path: path.join(artifacts, "storefront-approved-in-admin.png"), fullPage: true });
    await admin.close();
    const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop: demo.shopDomain, customerId: applicant.id } });
    const code = ambassador.code ?? "";
    expect(code).toMatch(/^[A-Z0-9]+$/);
    await waitFor(async () => {
      const [row, current] = await Promise.all([
        db.ambassadorCode.findFirst({ where: { shop: demo.shopDomain, code } }),
        db.ambassador.findUniqueOrThrow({ where: { id: ambassador.id } }),
      ]);
      return row?.shopifyState === "present" && current.metafieldsCode === code;
    }, "the code to be live in Shopify");
    const codesInShop = demo.localShop.store.discounts.flatMap((d) => d.codes.map((c) => c.code.toUpperCase()));
    expect(codesInShop).toContain(code);

    const { context, page } = await shopperPage(applicant);
    const portal = portalBlock(page);
    await expect.poll(() => portal.getByLabel("Your code").inputValue()).toBe(code);
    expect(await portal.getByLabel("Your share link").inputValue()).toMatch(new RegExp(`/apps/ambassadors/r/${code}$`));
    expect(await portal.getByText(`Hi ${applicant.firstName}, thanks for spreading the word!`).count()).toBe(1);
    await expect.poll(() => portal.getAttribute("aria-busy")).toBeNull();
    expect(await portal.locator('[data-portal="clicks"]').innerText()).toBe("0");
    // The shell was rendered in Liquid at its final size: filling it in moved nothing.
    expect(await layoutShift(page)).toBe(0);
    // The signup block says they are in, instead of offering the form again.
    await signupBlock(page).getByText("You're one of our ambassadors. Thank you!").waitFor();
    expect(await signupBlock(page).locator("form").isHidden()).toBe(true);

    // The portal's own forms work.
    await portal.getByLabel("Link to your post, video or review").fill("https://video.example/unboxing");
    await portal.getByRole("button", { name: "Send link" }).click();
    await portal.getByText("Thanks! We've received your link.").waitFor();
    await portal.getByLabel("Rating (optional)").selectOption("5");
    await portal.getByLabel("Your feedback").fill("Lovely packaging.");
    await portal.getByRole("button", { name: "Send feedback" }).click();
    await portal.getByText("Thanks for your feedback!").waitFor();
    expect(await db.contentSubmission.count({ where: { shop: demo.shopDomain, ambassadorId: ambassador.id } })).toBe(1);
    expect(await db.ambassadorFeedback.findFirst({ where: { shop: demo.shopDomain } })).toMatchObject({
      rating: 5,
      message: "Lovely packaging.",
    });
    await page.screenshot({ path: path.join(artifacts, "storefront-portal.png"), fullPage: true });
    await context.close();

    // Another logged-in customer sees no portal and nobody's code.
    const other = await shopperPage(otherCustomer);
    await portalBlock(other.page).waitFor({ state: "hidden" });
    expect(await other.page.locator("body").innerText()).not.toContain(code);
    expect(await signupBlock(other.page).locator("form").isVisible()).toBe(true);
    await other.context.close();
  });

  it("a share link counts the click and applies the code through Shopify's discount route", async () => {
    const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop: demo.shopDomain, customerId: applicant.id } });
    const { context, page } = await shopperPage(null);
    await page.goto(`${demo.storefrontUrl}/apps/ambassadors/r/${ambassador.code}?to=/products/demo-product`);
    await page.getByText(`Discount code ${ambassador.code} will be applied at checkout.`).waitFor();
    expect(new URL(page.url()).pathname).toBe("/products/demo-product");
    await page.goto(`${demo.storefrontUrl}/apps/ambassadors/r/${ambassador.code}`);
    expect(await db.shareClick.count({ where: { shop: demo.shopDomain, ambassadorId: ambassador.id } })).toBe(1);

    await page.goto(`${demo.storefrontUrl}/apps/ambassadors/r/NOSUCHCODE`);
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();

    const mine = await shopperPage(applicant);
    await expect.poll(() => portalBlock(mine.page).locator('[data-portal="clicks"]').innerText()).toBe("1");
    await mine.context.close();
  });

  it("shows the ambassador's pending, ready and paid rewards from their ledger", async () => {
    const shop = demo.shopDomain;
    const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop, customerId: applicant.id } });
    // The shop's currency, as the install's history sync records it.
    const currency = async () => (await db.programSettings.findUnique({ where: { shop } }))?.currencyCode ?? null;
    await waitFor(async () => (await currency()) !== null, "the shop currency to be recorded", 60_000);
    expect(await currency()).toBe("USD");
    // Pending 12.50 (held until the return window closes); ready 30.00 approved + 5.00 in a
    // payout under way; paid 42.75. A voided reward counts nowhere.
    const payout = await db.payout.create({ data: { shop, ambassadorId: ambassador.id, amountCents: 500n, method: "cash" } });
    const held = new Date(Date.now() + 30 * 86_400_000);
    const entry = (sourceKey: string, amountCents: bigint, status: string, extra: object = {}) => ({
      shop, ambassadorId: ambassador.id, sourceKey, kind: "commission", amountCents, status, ...extra,
    });
    await db.rewardEntry.createMany({
      data: [
        entry("order:9001:1", 1250n, "pending", { holdUntil: held }),
        entry("order:9002:1", 3000n, "approved"),
        entry("order:9003:1", 500n, "approved", { payoutId: payout.id }),
        entry("order:9004:1", 4275n, "paid"),
        entry("order:9005:1", 9900n, "void"),
      ],
    });

    const { context, page } = await shopperPage(applicant);
    const portal = portalBlock(page);
    await expect.poll(() => portal.getAttribute("aria-busy")).toBeNull();
    // The amount shown under each label (a <dt> and its <dd>).
    const tile = async (label: string) =>
      (await portal.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]").innerText()).trim();
    await portal.getByRole("heading", { name: "Rewards earned" }).waitFor();
    expect(await tile("Pending")).toBe("$12.50");
    expect(await tile("Ready")).toBe("$35.00");
    expect(await tile("Paid")).toBe("$42.75");
    expect(await page.locator("body").innerText()).not.toMatch(/Coming/);
    expect(await layoutShift(page)).toBe(0);
    await expectNoSeriousViolations(page, "portal rewards", portal);
    await portal.screenshot({ path: path.join(artifacts, "storefront-portal-rewards.png") });
    await context.close();
  });

  /** What "Pause all codes now" leaves: the program discount deactivated in Shopify, and recorded. */
  async function pauseAllCodes(paused: boolean) {
    const shop = demo.shopDomain;
    const program = await db.ambassadorProgram.findUniqueOrThrow({ where: { shop } });
    const discount = demo.localShop.store.discount(Number(program.programDiscountId?.split("/").pop()));
    if (!discount) throw new Error("The program discount is not in the local shop");
    discount.endsAt = paused ? demo.localShop.store.now() : null;
    await db.ambassadorProgram.update({ where: { shop }, data: { codesPausedAt: paused ? new Date() : null } });
  }

  /** The portal says `notice` where the share controls were, and hands out no code or link. */
  async function expectSharingPaused(page: Page, notice: string, code: string) {
    const portal = portalBlock(page);
    await expect.poll(() => portal.getAttribute("aria-busy")).toBeNull();
    await portal.getByText(notice).waitFor();
    for (const label of ["Your code", "Your share link"]) expect(await portal.getByLabel(label).isVisible()).toBe(false);
    for (const name of ["Copy code", "Copy link"]) expect(await portal.getByRole("button", { name }).count()).toBe(0);
    expect(await portal.innerText()).not.toContain(code);
    // The reason took the controls' place at their height: nothing below moved.
    expect(await layoutShift(page)).toBe(0);
    await expectNoSeriousViolations(page, "paused portal", portal);
  }

  /** A shopper follows the share link: a page of the store says the offer is paused; nothing applied or counted. */
  async function expectPausedShareLink(code: string, screenshot: string) {
    const shop = demo.shopDomain;
    const clicks = await db.shareClick.count({ where: { shop } });
    const { context, page } = await shopperPage(null);
    await page.goto(`${demo.storefrontUrl}/apps/ambassadors/r/${code}?to=/products/demo-product`);
    await page.getByRole("heading", { name: "This offer is paused" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/apps/ambassadors/r/${code}`);
    expect(await page.getByText(/will be applied at checkout/).count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, screenshot), fullPage: true });
    await expectNoSeriousViolations(page, "paused offer page", page.locator("main"));
    await page.getByRole("link", { name: "Continue shopping" }).click();
    await page.getByRole("heading", { name: "Demo product" }).waitFor();
    expect(await page.getByText(/will be applied at checkout/).count()).toBe(0);
    expect(await db.shareClick.count({ where: { shop } })).toBe(clicks);
    await context.close();
  }

  it("while the merchant has paused all codes, hides the share controls and the link says the offer is paused", async () => {
    const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop: demo.shopDomain, customerId: applicant.id } });
    const code = ambassador.code ?? "";
    await pauseAllCodes(true);
    try {
      const { context, page } = await shopperPage(applicant);
      await expectSharingPaused(page, "Ambassador codes are paused for now: your code and link don't give a discount at the moment.", code);
      // Their numbers stay: only what would hand out a dead code goes.
      expect(await portalBlock(page).locator('[data-portal="clicks"]').innerText()).toBe("1");
      await page.screenshot({ path: path.join(artifacts, "storefront-portal-codes-paused.png"), fullPage: true });
      await context.close();
      await expectPausedShareLink(code, "storefront-share-link-codes-paused.png");
    } finally {
      await pauseAllCodes(false);
    }
    const { context, page } = await shopperPage(applicant);
    await expect.poll(() => portalBlock(page).getByLabel("Your share link").inputValue()).toMatch(new RegExp(`/r/${code}$`));
    await context.close();
  });

  it("while the program itself is paused, keeps the working code and says payouts wait", async () => {
    const shop = demo.shopDomain;
    await db.ambassadorProgram.update({ where: { shop }, data: { pausedAt: new Date(), pauseReason: "merchant" } });
    try {
      const { context, page } = await shopperPage(applicant);
      const portal = portalBlock(page);
      await portal.getByText("Our ambassador program is taking a short break: payouts resume when it's back").waitFor();
      expect(await portal.getByRole("button", { name: "Copy link" }).isEnabled()).toBe(true);
      await context.close();
    } finally {
      await db.ambassadorProgram.update({ where: { shop }, data: { pausedAt: null, pauseReason: null } });
    }
  });

  it("when the merchant pauses the ambassador, hides the share controls and the link says the offer is paused", async () => {
    const shop = demo.shopDomain;
    const ambassador = await db.ambassador.findFirstOrThrow({ where: { shop, customerId: applicant.id } });
    const code = ambassador.code ?? "";
    // What pausing an ambassador in the admin does: the code is switched off, the status paused.
    await db.$transaction([
      db.ambassadorCode.updateMany({ where: { shop, ambassadorId: ambassador.id, wanted: "active" }, data: { wanted: "inactive" } }),
      db.ambassador.update({ where: { id: ambassador.id }, data: { status: "paused", pausedAt: new Date() } }),
    ]);
    const { context, page } = await shopperPage(applicant);
    await expectSharingPaused(page, "Your ambassador membership is paused: your code and link don't give a discount for now.", code);
    await page.screenshot({ path: path.join(artifacts, "storefront-portal-ambassador-paused.png"), fullPage: true });
    await context.close();
    await expectPausedShareLink(code, "storefront-share-link-ambassador-paused.png");
  });

  it("after a shopper's own application, shrinks the signup block to the thank-you and drops the login link", async () => {
    const { context, page } = await shopperPage(null);
    const block = signupBlock(page);
    const login = page.getByRole("link", { name: /Log in to apply faster/ });
    expect(await login.count()).toBe(1);
    const heightBefore = (await block.boundingBox())?.height ?? 0;
    await block.getByLabel("Name").fill("Walk In");
    await block.getByLabel("Email").fill("walk.in@example.com");
    await block.getByLabel(/I agree/).check();
    await block.getByRole("button", { name: "Apply now" }).click();
    await block.getByText("Thanks for applying! We'll be in touch soon.").waitFor();
    expect(await db.ambassadorApplication.count({ where: { shop: demo.shopDomain, email: "walk.in@example.com" } })).toBe(1);

    expect(await login.count()).toBe(0);
    expect(await block.locator("form").isHidden()).toBe(true);
    // A keyboard user carries on from the answer.
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-ambassadors-notice"))).toBe(true);
    // Nothing but the block's padding (and the notice's margin) below the thank-you: no empty box.
    const { blockBottom, noticeBottom, padding } = await block.evaluate((el) => {
      const notice = el.querySelector("[data-ambassadors-notice]") as HTMLElement;
      const style = getComputedStyle(el);
      return {
        blockBottom: el.getBoundingClientRect().bottom,
        noticeBottom: notice.getBoundingClientRect().bottom + parseFloat(getComputedStyle(notice).marginBottom),
        padding: parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth),
      };
    });
    expect(blockBottom - noticeBottom).toBeCloseTo(padding, 0);
    const heightAfter = (await block.boundingBox())?.height ?? 0;
    expect(heightAfter).toBeLessThan(heightBefore / 2);
    await expectNoSeriousViolations(page, "signup after applying", block);
    await page.screenshot({ path: path.join(artifacts, "storefront-signup-collapsed.png"), fullPage: true });
    await context.close();
  });
});
