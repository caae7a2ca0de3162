import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { listCandidates } from "~/models/Candidate/Candidate.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import type { LocalShop } from "#/local-shop";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { importReviews } from "~/models/Engagement/Engagement.server";
import { action, loader } from "../route";
import { clearTestShop, expectedCandidates, seedTestShop } from "./seed";

const load = (search = "") => adminLoad(loader, `/app/candidates${search}`);
const decide = (decision: string, customerIds: string[]) =>
  adminPost(action, "/app/candidates?index", { decision, customerId: customerIds });

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
const sortedIds = (rows: { id: string }[]) => ids(rows).sort((a, b) => Number(a) - Number(b));

describe("Candidates page", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await seedTestShop();
    shop = await startTestShop();
  });
  afterAll(async () => {
    await shop?.close();
    await clearTestShop();
  });

  it("lists the repeat buyers meeting the default settings, best score first", async () => {
    const data = await load();
    const expected = expectedCandidates({ minOrders: 2, withinDays: 365 });

    expect(data.totalCount).toBe(expected.length);
    expect(sortedIds(data.rows)).toEqual(ids(expected).sort((a, b) => Number(a) - Number(b)));
    const scores = data.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(data.sync).toEqual({ status: "completed", finished: true, error: null });
    expect(data.settings.currencyCode).toBe("USD");
    expect(data.search.errors).toEqual({});

    const ada = data.rows.find((r) => r.id === "7");
    expect(ada).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      orderCount: 3,
      netSpentCents: 21_000,
    });
  });

  it("says why each candidate ranks there, and filters by engagement signal", async () => {
    const imported = await importReviews(
      TEST_SHOP,
      "email,rating,date,text\nada@example.com,5,2026-10-01,Lovely mugs\nada@example.com,5,2026-10-02,Again\n",
      "generic",
    );
    expect(imported.ok).toBe(true);

    const ada = (await load()).rows.find((r) => r.id === "7");
    // Ada: 3 orders, the last 35 days ago (seed.ts), and her two reviews.
    expect(ada?.why).toBe("3 orders, last 35 days ago, 2 five-star reviews");
    const subscriber = (await load()).rows.find((r) => r.id === "4");
    expect(subscriber?.why).toMatch(/, subscribed to email$/);

    const reviewers = await load("?signal=reviews");
    expect(ids(reviewers.rows)).toEqual(["7"]);
    expect(reviewers.search.signal).toBe("reviews");
    const emailSubscribers = await load("?signal=email");
    const expected = expectedCandidates({ minOrders: 2, withinDays: 365 }).filter((c) => c.tags.includes("newsletter"));
    expect(sortedIds(emailSubscribers.rows)).toEqual(ids(expected).sort((a, b) => Number(a) - Number(b)));
    expect(emailSubscribers.search.filtered).toBe(true);
    const sms = await load("?signal=sms");
    expect(sms.rows.every((r) => Number(r.id) % 5 === 1)).toBe(true);
    expect(sms.rows.length).toBeGreaterThan(0);

    const unknown = await load("?signal=tiktok");
    expect(unknown.search.errors.signal).toMatch(/Signal must be one of reviews, mentions, email, sms/);
    expect(unknown.totalCount).toBe(expectedCandidates({ minOrders: 2, withinDays: 365 }).length);
  });

  it("passes every filter in the URL to the list, minimum spend in major units of the currency", async () => {
    const data = await load("?minOrders=4&minSpent=100.50&withinDays=100&tag=vip");
    const expected = expectedCandidates({
      minOrders: 4,
      minSpentCents: 10_050,
      withinDays: 100,
      tag: "vip",
    });

    expect(expected.length).toBeGreaterThan(1);
    expect(sortedIds(data.rows)).toEqual(ids(expected).sort((a, b) => Number(a) - Number(b)));
    expect(data.totalCount).toBe(expected.length);
    expect(data.search.filtered).toBe(true);
    expect(data.search.text).toMatchObject({
      minOrders: "4",
      minSpent: "100.50",
      withinDays: "100",
      tag: "vip",
    });

    // Customer 3 spent exactly 120.00 (4 orders of 30.00): 120 keeps them, 120.01 does not.
    expect(ids((await load("?minSpent=120")).rows)).toContain("3");
    expect(ids((await load("?minSpent=120.01")).rows)).not.toContain("3");
  });

  it("searches names and emails", async () => {
    expect(ids((await load("?q=lovelace")).rows)).toEqual(["7"]);
    expect(ids((await load("?q=ADA%40example")).rows)).toEqual(["7"]);
    const none = await load("?q=nobody-by-that-name");
    expect(none.rows).toEqual([]);
    expect(none.totalCount).toBe(0);
  });

  it("sorts by each column in both directions", async () => {
    const byOrders = await load("?sort=orders&direction=asc");
    const counts = byOrders.rows.map((r) => r.orderCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(byOrders.search).toMatchObject({ sort: "orders", direction: "asc" });

    const bySpent = await load("?sort=spent&direction=desc");
    const spent = bySpent.rows.map((r) => r.netSpentCents);
    expect(spent).toEqual([...spent].sort((a, b) => b - a));

    const byLastOrder = await load("?sort=lastOrder&direction=asc");
    const dates = byLastOrder.rows.map((r) => r.lastOrderAt ?? "");
    expect(dates).toEqual([...dates].sort());
  });

  it("pages with the cursors in the URL, forwards and back", async () => {
    const everything = await listCandidates(TEST_SHOP, { pageSize: 250 });
    const first = await load("?pageSize=7");
    expect(first.rows).toHaveLength(7);
    expect(first.previousCursor).toBeNull();
    expect(first.nextCursor).not.toBeNull();

    const seen = ids(first.rows);
    let page = first;
    let number = 1;
    while (page.nextCursor) {
      number += 1;
      page = await load(`?pageSize=7&cursor=${encodeURIComponent(page.nextCursor)}&page=${number}`);
      expect(page.search.page).toBe(number);
      expect(page.totalCount).toBe(everything.totalCount);
      seen.push(...ids(page.rows));
    }
    expect(seen).toEqual(everything.candidates.map((c) => c.customerId));

    const back = await load(
      `?pageSize=7&cursor=${encodeURIComponent(page.previousCursor ?? "")}&page=${number - 1}`
    );
    expect(ids(back.rows)).toEqual(seen.slice(7 * (number - 2), 7 * (number - 1)));
  });

  it("ignores parameters that make no sense, says why, and still lists", async () => {
    const normal = await load();
    const data = await load(
      "?minOrders=abc&minSpent=-3&withinDays=0&sort=price&direction=sideways&status=vip&pageSize=100000&cursor=garbage&page=x"
    );
    expect(ids(data.rows)).toEqual(ids(normal.rows));
    expect(Object.keys(data.search.errors).sort()).toEqual(
      [
        "direction",
        "minOrders",
        "minSpent",
        "page",
        "pageSize",
        "sort",
        "status",
        "withinDays",
      ].sort()
    );
    expect(data.search.errors.minOrders).toMatch(/whole number/);
    expect(data.search.errors.minSpent).toMatch(/amount like 25/);
    // The fields keep what was typed, so the merchant sees what was refused.
    expect(data.search.text.minOrders).toBe("abc");

    for (const spend of ["1.234", "1e3", "12,50", "99999999999999999999"]) {
      const result = await load(`?minSpent=${encodeURIComponent(spend)}`);
      expect(result.search.errors.minSpent, spend).toBeTruthy();
      expect(result.totalCount).toBe(normal.totalCount);
    }
  });

  it("stores bulk decisions and reports the ids it does not know", async () => {
    const [a, b] = ids((await load()).rows);
    const outcome = await decide("approve", [a, b, "999999999", "gid://shopify/Order/5"]);
    expect(outcome).toMatchObject({ ok: true, decision: "approved", updated: 2 });
    expect(outcome.ok && [...outcome.unknown].sort()).toEqual(
      ["999999999", "gid://shopify/Order/5"].sort()
    );

    const stored = await prisma.customerStats.findMany({
      where: { shop: TEST_SHOP, customerId: { in: [a, b] } },
      select: { ambassadorStatus: true },
    });
    expect(stored.map((s) => s.ambassadorStatus)).toEqual(["approved", "approved"]);

    const approved = await load("?status=approved");
    expect(sortedIds(approved.rows)).toEqual([a, b].sort((x, y) => Number(x) - Number(y)));
    expect(approved.rows.every((r) => r.status === "approved")).toBe(true);
    expect(ids((await load("?status=none")).rows)).not.toContain(a);

    // gid form works too; "clear" takes the decision back.
    expect(await decide("clear", [`gid://shopify/Customer/${a}`, b])).toMatchObject({
      ok: true,
      updated: 2,
      unknown: [],
    });
    expect((await load("?status=approved")).rows).toEqual([]);
  });

  it("refuses a bulk action without customers or with an unknown decision, changing nothing", async () => {
    const [a] = ids((await load()).rows);
    expect(await decide("approve", [])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Select at least one/),
    });
    expect(await decide("promote", [a])).toMatchObject({ ok: false });
    const tooMany = Array.from({ length: 251 }, (_, i) => String(i + 1));
    expect(await decide("invite", tooMany)).toMatchObject({ ok: false });
    const row = await prisma.customerStats.findUnique({
      where: { shop_customerId: { shop: TEST_SHOP, customerId: a } },
    });
    expect(row?.ambassadorStatus).toBe("none");
  });

  it("without any history sync yet, tells the page to offer one", async () => {
    const syncs = await prisma.historySync.findMany({ where: { shop: TEST_SHOP } });
    await prisma.historySync.deleteMany({ where: { shop: TEST_SHOP } });
    try {
      expect((await load()).sync).toBeNull();
      const running = await startHistorySync(TEST_SHOP, { method: "bulk" });
      expect((await load()).sync).toEqual({ status: "running", finished: false, error: null });
      await finishHistorySync(TEST_SHOP, running.id, { error: "Shopify's export failed." });
      expect((await load()).sync).toEqual({
        status: "failed",
        finished: true,
        error: "Shopify's export failed.",
      });
    } finally {
      await prisma.historySync.deleteMany({ where: { shop: TEST_SHOP } });
      await prisma.historySync.createMany({ data: syncs });
    }
  });
});
