/**
 * The setup every browser test shares: the demo (built app, local shop, storefront preview)
 * on a fresh database of its own, the test's own Prisma client on that database, and
 * Debian's Chromium. Screenshots go under test-results/.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { startDemo, type Demo, type DemoOptions } from "#/demo/demo";
import { repoRoot } from "#/demo/app-config";
import { launchChromium, newPage } from "./chromium";
import { freshTestDatabase } from "../setup/worker-database";
import { prismaClientOn } from "../utils/database";

export const artifacts = path.join(repoRoot, "test-results");

export interface BrowserDemo {
  demo: Demo;
  /** The test's own look at the demo's database (the app has its own client). */
  db: PrismaClient;
  browser: Browser;
  /** A page that looks like a merchant's or shopper's browser (see chromium.ts). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface BrowserDemoOptions extends Omit<DemoOptions, "appPort" | "storefrontPort" | "databaseUrl"> {
  /** Wait until the install's history sync has completed (default false). */
  historySynced?: boolean;
}

/** Starts the demo on a database named after `name` (unique per test file) and Chromium. */
export async function startBrowserDemo(name: string, options: BrowserDemoOptions): Promise<BrowserDemo> {
  fs.mkdirSync(artifacts, { recursive: true });
  const { historySynced, ...demoOptions } = options;
  const demo = await startDemo({
    ...demoOptions,
    appPort: 0,
    storefrontPort: 0,
    databaseUrl: await freshTestDatabase(name),
  });
  const db = prismaClientOn(demo.databaseUrl);
  if (historySynced) await waitForHistorySync(db, demo.shopDomain);
  const browser = await launchChromium();
  return {
    demo,
    db,
    browser,
    newPage: () => newPage(browser),
    async close() {
      await db.$disconnect();
      await browser.close();
      await demo.close();
    },
  };
}

/** Until the shop's latest history sync has completed (a failed one throws). */
export async function waitForHistorySync(db: PrismaClient, shop: string, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const sync = await db.historySync.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
    if (sync?.status === "completed") return;
    if (sync?.status === "failed") throw new Error(`The history sync failed: ${sync.error}`);
    if (Date.now() > deadline) throw new Error("The install's history sync did not finish");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A full-page screenshot at test-results/<name>.png. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}
