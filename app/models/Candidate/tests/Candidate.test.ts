import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  customerDataReport,
  eraseCustomerPersonalData,
  listCandidates,
  setCandidateDecision,
  type CandidateFilters,
  type CandidateSort,
  type ListCandidatesOptions,
  type SortDirection,
} from "../Candidate.server";
import { rfmScore, SCORE_SCALE } from "../score.server";
import { saveProgramSettings } from "~/models/ProgramSettings/ProgramSettings.server";
import {
  recordRefunds,
  upsertCustomerProfiles,
} from "~/models/OrderHistory/OrderHistory.server";
import {
  daysAgo,
  ingestOrders,
  shopsErasedAfterFile,
  type TestOrder,
} from "#/factories/orders";

const newShop = shopsErasedAfterFile();

/** Every page of a listing, following nextCursor. */
async function allPages(shop: string, options: ListCandidatesOptions) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = await listCandidates(shop, { ...options, cursor, withTotal: false });
    pages.push(page.candidates.map((c) => c.customerId));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe("ranking", () => {
  it("follows the settings as soon as they are saved, without another sync", async () => {
    const shop = newShop("rank");
    // Ada: 2 small orders, the last one yesterday. Bob: 6 big orders, the last 300 days ago.
    await ingestOrders(shop, [
      { id: 1, customerId: 1, customerName: "Ada", processedAt: daysAgo(10), totalCents: 1_000 },
      { id: 2, customerId: 1, customerName: "Ada", processedAt: daysAgo(1), totalCents: 1_000 },
      ...[800, 700, 600, 500, 400, 300].map((days, i) => ({
        id: 10 + i, customerId: 2, customerName: "Bob", processedAt: daysAgo(days), totalCents: 3_000 + (i === 0 ? 2_000 : 0),
      })),
    ]);

    const before = await listCandidates(shop);
    expect(before.candidates.map((c) => c.displayName)).toEqual(["Ada", "Bob"]);

    // A ten-year window makes Bob's old orders recent enough to outrank Ada.
    expect((await saveProgramSettings(shop, { minOrders: 2, minSpentCents: 0, recencyDays: 3_650 })).ok).toBe(true);
    const after = await listCandidates(shop);
    expect(after.candidates.map((c) => c.displayName)).toEqual(["Bob", "Ada"]);

    // Scores are the documented formula: S = mean net spend = (2,000 + 20,000) / 2.
    const now = new Date();
    for (const row of await prisma.customerStats.findMany({ where: { shop } })) {
      const expected = rfmScore(
        { orderCount: row.orderCount, netSpentCents: Number(row.netSpentCents), lastOrderAt: row.lastOrderAt },
        { minOrders: 2, minSpentCents: 0, recencyDays: 3_650, spendReferenceCents: 11_000 },
        now,
      );
      expect(row.scoreMilli / SCORE_SCALE).toBeCloseTo(expected, 2);
    }
    expect(after.candidates.map((c) => c.score)).toEqual(
      after.candidates.map((c) => Math.round(rfmScore(c, { minOrders: 2, minSpentCents: 0, recencyDays: 3_650, spendReferenceCents: 11_000 }, now) * 10) / 10),
    );

    // Asking for 3 orders leaves Bob alone; Ada, no longer a candidate, scores 0.
    await saveProgramSettings(shop, { minOrders: 3, minSpentCents: 0, recencyDays: 3_650 });
    expect((await listCandidates(shop)).candidates.map((c) => c.displayName)).toEqual(["Bob"]);
    const ada = await prisma.customerStats.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: "1" } } });
    expect(ada.scoreMilli).toBe(0);
  });

  it("refreshes scores older than a day before listing (recency decays)", async () => {
    const shop = newShop("rank-stale");
    await ingestOrders(shop, [
      { id: 1, customerId: 1, processedAt: daysAgo(5), totalCents: 1_000 },
      { id: 2, customerId: 1, processedAt: daysAgo(2), totalCents: 1_000 },
    ]);
    const fresh = (await listCandidates(shop)).candidates[0].score;
    await prisma.customerStats.updateMany({ where: { shop }, data: { scoreMilli: 0 } });
    await prisma.programSettings.update({ where: { shop }, data: { scoresComputedAt: new Date(Date.now() - 2 * 86_400_000) } });

    expect((await listCandidates(shop)).candidates[0].score).toBeCloseTo(fresh, 0);
  });
});

describe("filters and pagination", () => {
  const shop = newShop("pages");
  const otherShop = newShop("pages-other");
  const CUSTOMERS = 61;

  // 61 customers: 1–6 orders over the last ~500 days, a few identical (equal scores),
  // tags on some, one-order customers and lapsed customers that are not candidates.
  function orders(): TestOrder[] {
    const list: TestOrder[] = [];
    let id = 1;
    for (let c = 1; c <= CUSTOMERS; c++) {
      const count = c % 9 === 0 ? 1 : 1 + (c % 6);
      const identical = c % 10 === 3; // customers 3, 13, 23, … buy exactly alike
      for (let k = 0; k < count; k++) {
        list.push({
          id: id++,
          customerId: 1000 + c,
          customerName: c === 7 ? "Zoë 100% Real" : `Customer ${c}`,
          customerEmail: `c${c}@example.com`,
          customerTags: c % 4 === 0 ? ["VIP", "wholesale"] : c % 4 === 1 ? ["vip-gold"] : [],
          processedAt: identical ? daysAgo(30 + k * 20, Date.UTC(2030, 0, 1)) : daysAgo((c * 7 + k * 45) % 500 + 1),
          totalCents: identical ? 2_500 : 1_000 + ((c * 137 + k * 59) % 9_000),
        });
      }
    }
    // "identical" customers buy in 2029 relative dates: pin them to now instead.
    const shift = Date.UTC(2030, 0, 1) - Date.now();
    for (const order of list) {
      if (order.processedAt > new Date().toISOString()) {
        order.processedAt = new Date(Date.parse(order.processedAt) - shift).toISOString().replace(/\.\d{3}Z$/, "Z");
      }
    }
    return list;
  }

  beforeAll(async () => {
    await ingestOrders(shop, orders());
    // The other shop holds the same customer ids with other orders.
    await ingestOrders(otherShop, orders().map((o) => ({ ...o, totalCents: o.totalCents + 1 })));
  });

  /** The expected listing, computed from the stored statistics in JS. */
  async function expected(sort: CandidateSort, direction: SortDirection, filters: (s: Stat) => boolean = () => true) {
    const since = Date.now() - 365 * 86_400_000;
    const rows = await prisma.customerStats.findMany({ where: { shop } });
    const key = (r: Stat) =>
      sort === "score" ? r.scoreMilli : sort === "orders" ? r.orderCount : sort === "spent" ? Number(r.netSpentCents) : r.lastOrderAt!.getTime();
    return rows
      .filter((r) => r.orderCount >= 2 && r.lastOrderAt && r.lastOrderAt.getTime() >= since)
      .filter(filters)
      .sort((a, b) => {
        const byKey = key(a) - key(b) || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0);
        return direction === "asc" ? byKey : -byKey;
      })
      .map((r) => r.customerId);
  }
  type Stat = Awaited<ReturnType<typeof prisma.customerStats.findMany>>[number];

  it.each([
    ["score", "desc"],
    ["score", "asc"],
    ["orders", "desc"],
    ["spent", "asc"],
    ["lastOrder", "desc"],
  ] as const)("lists every candidate exactly once across pages, by %s %s", async (sort, direction) => {
    const pages = await allPages(shop, { sort, direction, pageSize: 7 });
    const want = await expected(sort, direction);
    expect(want.length).toBeGreaterThan(20);
    expect(pages.flat()).toEqual(want);
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
  });

  it("walks back with previousCursor to the same pages", async () => {
    const forward = await allPages(shop, { pageSize: 7 });
    let page = await listCandidates(shop, { pageSize: 7 });
    while (page.nextCursor) page = await listCandidates(shop, { pageSize: 7, cursor: page.nextCursor });
    expect(page.nextCursor).toBeNull();

    const backward: string[][] = [page.candidates.map((c) => c.customerId)];
    while (page.previousCursor) {
      page = await listCandidates(shop, { pageSize: 7, cursor: page.previousCursor });
      backward.unshift(page.candidates.map((c) => c.customerId));
    }
    expect(backward).toEqual(forward);
    expect(page.previousCursor).toBeNull();
  });

  it("counts all matching candidates and ignores a cursor made for another sort", async () => {
    const first = await listCandidates(shop, { pageSize: 5 });
    expect(first.totalCount).toBe((await expected("score", "desc")).length);
    const reSorted = await listCandidates(shop, { pageSize: 5, sort: "spent", cursor: first.nextCursor });
    expect(reSorted.candidates.map((c) => c.customerId)).toEqual((await expected("spent", "desc")).slice(0, 5));
    expect(reSorted.previousCursor).toBeNull();
  });

  it.each<[string, CandidateFilters, (s: Stat) => boolean]>([
    ["minOrders", { minOrders: 4 }, (s) => s.orderCount >= 4],
    ["minSpentCents", { minSpentCents: 15_000 }, (s) => Number(s.netSpentCents) >= 15_000],
    ["lastOrderWithinDays", { lastOrderWithinDays: 60 }, (s) => s.lastOrderAt!.getTime() >= Date.now() - 60 * 86_400_000],
    ["tag, whole and case-insensitive", { tag: "vip" }, (s) => s.tags.split(", ").some((t) => t.toLowerCase() === "vip")],
    ["query on the email", { query: "C1" }, (s) => s.email!.toLowerCase().includes("c1")],
    ["query with a LIKE wildcard taken literally", { query: "100%" }, (s) => s.displayName!.includes("100%")],
  ])("filters by %s", async (_name, filters, predicate) => {
    const pages = await allPages(shop, { filters, pageSize: 4 });
    const want = await expected("score", "desc", predicate);
    expect(want.length).toBeGreaterThan(0);
    expect(pages.flat()).toEqual(want);
    expect((await listCandidates(shop, { filters })).totalCount).toBe(want.length);
  });

  it("stores bulk decisions, reports unknown ids, and filters on them", async () => {
    const [first, second] = await expected("score", "desc");
    const notCandidate = "1009"; // one order only: known, though not a candidate
    const result = await setCandidateDecision(
      shop,
      [first, `gid://shopify/Customer/${second}`, notCandidate, "424242", "not-an-id"],
      "approved",
    );
    expect(result.updated.sort()).toEqual([first, second, notCandidate].sort());
    expect(result.unknown.sort()).toEqual(["424242", "not-an-id"]);

    const ambassadors = await listCandidates(shop, { filters: { isAmbassador: true } });
    expect(ambassadors.candidates.map((c) => c.customerId)).toEqual([first, second]);
    expect(ambassadors.candidates.every((c) => c.ambassadorStatus === "approved" && c.decidedAt)).toBe(true);
    const others = await listCandidates(shop, { filters: { isAmbassador: false }, pageSize: 250 });
    expect(others.candidates.map((c) => c.customerId)).not.toContain(first);

    await setCandidateDecision(shop, [second], "dismissed");
    expect((await listCandidates(shop, { filters: { status: "dismissed" } })).candidates.map((c) => c.customerId)).toEqual([second]);

    // The same customer ids in the other shop are untouched.
    const elsewhere = await prisma.customerStats.findMany({ where: { shop: otherShop, ambassadorStatus: { not: "none" } } });
    expect(elsewhere).toEqual([]);
  });

  it("lists only the shop's own customers", async () => {
    const mine = await listCandidates(shop, { pageSize: 250 });
    const theirs = await listCandidates(otherShop, { pageSize: 250 });
    expect(mine.candidates.length).toBe(theirs.candidates.length);
    const spent = (page: typeof mine) => page.candidates.reduce((sum, c) => sum + c.netSpentCents, 0);
    expect(spent(theirs)).toBeGreaterThan(spent(mine));
  });
});

describe("personal data", () => {
  it("reports what is held, then erases name, email and tags but keeps the counts", async () => {
    const shop = newShop("privacy");
    await ingestOrders(shop, [
      { id: 1, customerId: 5, customerName: "Ada Lovelace", customerEmail: "ada@example.com", customerTags: ["vip"], processedAt: daysAgo(3), totalCents: 4_000, discountCodes: ["ADA10"] },
      { id: 2, customerId: 5, processedAt: daysAgo(2), totalCents: 6_000 },
      { id: 3, customerId: 6, customerName: "Someone Else", processedAt: daysAgo(2), totalCents: 6_000 },
    ]);
    await recordRefunds(shop, [{ refundId: "77", orderId: "2", amountCents: 1_000, createdAt: new Date() }]);

    const report = await customerDataReport(shop, "gid://shopify/Customer/5");
    expect(report).toMatchObject({
      customerId: "5",
      profile: { displayName: "Ada Lovelace", email: "ada@example.com", tags: ["vip"], personalDataErasedAt: null },
      statistics: { orderCount: 2, netSpentCents: 9_000 },
      currencyCode: "USD",
    });
    expect(report.orders.map((o) => [o.orderId, o.totalCents, o.discountCodes])).toEqual([
      ["1", 4_000, ["ADA10"]],
      ["2", 6_000, []],
    ]);
    expect(report.refunds).toMatchObject([{ refundId: "77", orderId: "2", amountCents: 1_000 }]);

    expect(await eraseCustomerPersonalData(shop, "5")).toBe(true);
    // A late customers/update must not bring the data back.
    await upsertCustomerProfiles(shop, [
      { customerId: "5", displayName: "Ada", email: "ada@example.com", tags: [], sourceUpdatedAt: new Date() },
    ]);

    const erased = await customerDataReport(shop, "5");
    expect(erased.profile).toMatchObject({ displayName: null, email: null, tags: [] });
    expect(erased.profile?.personalDataErasedAt).toBeInstanceOf(Date);
    expect(erased.statistics).toMatchObject({ orderCount: 2, netSpentCents: 9_000 });
    const listed = await listCandidates(shop);
    expect(listed.candidates.map((c) => [c.customerId, c.displayName])).toEqual([["5", null]]);
    const other = await customerDataReport(shop, "6");
    expect(other.profile?.displayName).toBe("Someone Else");

    // Erasing a customer never seen leaves a tombstone that refuses later profiles.
    expect(await eraseCustomerPersonalData(shop, "99")).toBe(false);
    await upsertCustomerProfiles(shop, [
      { customerId: "99", displayName: "Late", email: "late@example.com", tags: [], sourceUpdatedAt: null },
    ]);
    expect((await customerDataReport(shop, "99")).profile?.email).toBeNull();
  });
});
