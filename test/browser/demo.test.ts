import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT, type Demo } from "#/demo/demo";
import { startAppServer, type AppServer } from "#/demo/app-server";
import { artifacts, startBrowserDemo, type BrowserDemo } from "./browser-demo";

let session: BrowserDemo;
let demo: Demo;
let page: Page;

beforeAll(async () => {
  session = await startBrowserDemo("demo", { customers: 300, orders: 900 });
  demo = session.demo;
  page = await session.newPage();
});

afterAll(() => session?.close());

describe("the demo in a browser", () => {
  it("admin home shows the store's name and its counts from the Admin API", async () => {
    await page.goto(`${demo.appUrl}/app`);
    await page.getByRole("heading", { name: demo.shopName }).waitFor();

    const store = demo.localShop.store;
    const body = await page.locator("body").innerText();
    expect(body).toContain(store.customers.length.toLocaleString("en"));
    expect(body).toContain(store.orders.length.toLocaleString("en"));
    await page.screenshot({ path: path.join(artifacts, "admin-home.png"), fullPage: true });
  });

  it("storefront preview renders the signup block and asks the app through the signed proxy", async () => {
    await page.goto(`${demo.storefrontUrl}/`);
    await page.getByRole("heading", { name: "Become an ambassador" }).waitFor();
    expect(await page.getByLabel("Email").inputValue()).toBe("");

    const portalAnswer = page.waitForResponse((r) => r.url().endsWith("/apps/ambassadors/portal"));
    await page.getByRole("link", { name: "Log in (demo)" }).click();
    await page.getByText(/^Signed in as /).first().waitFor();
    const answer = await portalAnswer;
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toMatchObject({ open: true, loggedIn: true, membership: "none" });
    expect(await page.getByLabel("Email").inputValue()).toMatch(/@/);
    await page.screenshot({ path: path.join(artifacts, "storefront-home.png"), fullPage: true });
  });
});

describe("the same build without the demo admin", () => {
  let production: AppServer;
  beforeAll(async () => {
    production = await startAppServer({ port: 0 });
  });
  afterAll(() => production?.close());

  it("refuses /app without a Shopify session token", async () => {
    const response = await fetch(`${production.url}/app`, {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_USER_AGENT, Accept: "text/html" },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/\/auth\/login/);
  });
});
