/**
 * The install's history sync of a shop with thousands of orders, watched from the app's
 * home page: the progress counts against the shop's real order count (`ordersCount`),
 * never against the part of the export Shopify has written so far. The local shop holds
 * its bulk export after the first chunk (a gate, released by the test), so the running
 * state is seen for certain.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "#/demo/demo";
import { screenshot, startBrowserDemo, waitForHistorySync, type BrowserDemo } from "./browser-demo";

const CHUNK = 500;

let session: BrowserDemo;
let demo: Demo;
let page: Page;
let release: () => void;
/** Chunks the local shop was asked for while the export was held. */
let held = 0;

beforeAll(async () => {
  const gate = new Promise<void>((resolve) => (release = resolve));
  session = await startBrowserDemo("history_sync", {
    customers: 1_500,
    orders: 4_000,
    localShop: {
      bulkChunkSize: CHUNK,
      bulkChunkGate: (chunk) => {
        if (chunk === 0) return;
        held++;
        return gate;
      },
    },
  });
  demo = session.demo;
  page = await session.newPage();
});

afterAll(() => {
  release?.();
  return session?.close();
});

const progressLabel = () => page.getByTestId("history-sync-progress").innerText();

describe("history sync progress on the home page", () => {
  it("while Shopify exports, says 0 of the shop's real order count, and how much is exported", async () => {
    const total = demo.localShop.store.orders.length;
    expect(total).toBeGreaterThanOrEqual(4_000);
    await page.goto(`${demo.appUrl}/app`);
    await page.getByRole("heading", { name: "Order history" }).waitFor();
    // The card re-reads the run by itself until Shopify's first chunk is counted.
    await page.getByText(`${CHUNK} orders exported so far.`).waitFor({ timeout: 30_000 });
    expect(held).toBeGreaterThan(0);
    expect(await progressLabel()).toBe(`0 of ${total.toLocaleString("en")} orders`);
    await page.getByText("Shopify is preparing an export of your orders (running at Shopify).", { exact: false }).waitFor();
    // The home page's order count is the same figure.
    await page.getByText(total.toLocaleString("en"), { exact: true }).first().waitFor();
    await screenshot(page, "history-sync-running");
  });

  it("once released, reads every order against the same total, and ends on N of N", async () => {
    const total = demo.localShop.store.orders.length.toLocaleString("en");
    const labels = new Set<string>();
    release();
    // Every label the card shows on the way names the shop's total, never a part of it.
    for (const deadline = Date.now() + 60_000; ; ) {
      labels.add(await progressLabel());
      if ((await page.getByText("Completed", { exact: true }).count()) > 0) break;
      if (Date.now() > deadline) throw new Error(`The sync did not complete; the card said ${[...labels].join(" | ")}`);
      await page.waitForTimeout(100);
    }
    await waitForHistorySync(session.db, demo.shopDomain);
    labels.add(await progressLabel());
    for (const label of labels) expect(label).toMatch(new RegExp(`^[\\d,]+ of ${total} orders$`));
    expect(await progressLabel()).toBe(`${total} of ${total} orders`);
    await screenshot(page, "history-sync-done");
  });
});
