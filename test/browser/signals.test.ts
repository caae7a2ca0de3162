import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "#/demo/demo";
import { repoRoot } from "#/demo/app-config";
import { launchChromium, newPage } from "./chromium";
import { freshTestDatabase } from "../setup/worker-database";
import { prismaClientOn } from "../utils/database";

const artifacts = path.join(repoRoot, "test-results");

let demo: Demo;
let browser: Browser;
let page: Page;
let db: PrismaClient;

async function historySynced() {
  const run = await db.historySync.findFirst({ where: { shop: demo.shopDomain }, orderBy: { startedAt: "desc" } });
  return run?.status === "completed";
}

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  demo = await startDemo({
    appPort: 0,
    storefrontPort: 0,
    customers: 200,
    orders: 800,
    databaseUrl: await freshTestDatabase("signals"),
  });
  db = prismaClientOn(demo.databaseUrl);
  browser = await launchChromium();
  page = await newPage(browser);
});

afterAll(async () => {
  await db?.$disconnect();
  await browser?.close();
  await demo?.close();
});

describe("Reviews in a browser", () => {
  it("imports a Judge.me export after its preview, and a candidate says why they rank there", async () => {
    await page.goto(`${demo.appUrl}/app`);
    await expect.poll(historySynced, { timeout: 60_000 }).toBe(true);

    // A repeat buyer the merchant knows has written two glowing reviews.
    const reviewer = await db.customerStats.findFirstOrThrow({
      where: { shop: demo.shopDomain, scoreMilli: { gt: 0 }, email: { not: null }, displayName: { not: null } },
      orderBy: { customerId: "asc" },
    });
    const file = [
      "product_handle,review_title,body,reviewer_name,reviewer_email,rating,review_date,reply,reply_date,featured,verified,hidden",
      `mug,Love it,Best mug I own,${reviewer.displayName},${reviewer.email},5,2026-10-01,,,false,true,false`,
      `tee,So soft,Wear it weekly,${reviewer.displayName},${reviewer.email},5,2026-10-20,,,false,true,false`,
      "mug,Great,Lovely,Zed Visitor,zed.visitor@mail.example,5,2026-10-01,,,false,false,false",
      "mug,?,No stars,Cy,cy@mail.example,,2026-10-01,,,false,false,false",
    ].join("\n");

    await page.goto(`${demo.appUrl}/app/signals`);
    await page.getByRole("heading", { name: "Reviews and mentions", level: 1 }).waitFor();
    await page.locator('[data-import-file="reviews"]').setInputFiles({ name: "judgeme-export.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    await page.getByRole("button", { name: "Preview" }).first().click();
    await page.getByText("judgeme-export.csv: 4 rows, read as Judge.me").waitFor();
    await page.getByText("2 matched to 1 customer").waitFor();
    await page.getByText("1 match no customer (not imported)").waitFor();
    await page.getByText("Line 5: Rating is empty").waitFor();
    expect(await db.customerReview.count({ where: { shop: demo.shopDomain } })).toBe(0);
    await page.screenshot({ path: path.join(artifacts, "signals-preview.png"), fullPage: true });

    await page.getByRole("button", { name: "Import 2 rows" }).click();
    await page.getByText("Imported 2 new rows").waitFor();
    expect(await db.customerReview.count({ where: { shop: demo.shopDomain } })).toBe(2);

    // The candidate, found by name, reads why they rank there.
    await page.goto(`${demo.appUrl}/app/candidates?signal=reviews`);
    await page.getByRole("heading", { name: "Candidates", level: 1 }).waitFor();
    const row = page.locator(`tr[id="${reviewer.customerId}"]`);
    await row.waitFor();
    const why = (await row.locator("[data-candidate-why]").innerText()).trim();
    expect(why).toMatch(new RegExp(`^${reviewer.orderCount} orders, last (today|yesterday|\\d+ days ago), 2 five-star reviews`));
    expect(await page.locator("table tbody tr").count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "signals-candidate-why.png"), fullPage: true });
  });
});
