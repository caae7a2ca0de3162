import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import type { CustomerRecord, LocalShop } from "#/local-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { MAX_DECISION_IDS } from "../decide.server";
import { QUEUE_PAGE_SIZE } from "../queue.server";
import { action, loader } from "../route";

const OTHER_SHOP = uniqueShop("applications-other");
const MINUTE = 60_000;

const load = (search = "") => adminLoad(loader, `/app/applications${search}`);
const decide = (fields: { intent?: string; ids?: string[] }) =>
  adminPost(action, "/app/applications?index", {
    ...(fields.intent === undefined ? {} : { intent: fields.intent }),
    id: fields.ids ?? [],
  });

interface NewApplication {
  shop?: string;
  name?: string;
  email: string;
  customerId?: string | null;
  status?: string;
  minutesAgo?: number;
  reason?: string;
  submissions?: number;
}

async function apply(a: NewApplication) {
  return prisma.ambassadorApplication.create({
    data: {
      shop: a.shop ?? TEST_SHOP,
      name: a.name ?? a.email.split("@")[0],
      email: a.email,
      socialHandle: "@" + a.email.split("@")[0],
      reason: a.reason ?? "I tell everyone about you.",
      customerId: a.customerId ?? null,
      status: a.status ?? "pending",
      submissions: a.submissions ?? 1,
      consentedAt: new Date(),
      createdAt: new Date(Date.now() - (a.minutesAgo ?? 0) * MINUTE),
    },
  });
}

async function statusOf(id: string) {
  return (await prisma.ambassadorApplication.findUniqueOrThrow({ where: { id } })).status;
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe("Applications page", () => {
  let shop: LocalShop;
  let customers: CustomerRecord[];

  beforeAll(async () => {
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    shop = await startTestShop({ seed: { customers: 6, orders: 0, seed: 11 } });
    customers = shop.store.customers;
    // A finished history sync: the first request's install hook starts none.
    const sync = await startHistorySync(TEST_SHOP, { method: "bulk" });
    await finishHistorySync(TEST_SHOP, sync.id);
    await prisma.programSettings.create({ data: { shop: TEST_SHOP, currencyCode: "EUR" } });
    await storeCandidates(TEST_SHOP, customers.slice(0, 2), { orderCount: 4, netSpentCents: 123_450 });
  });

  afterAll(async () => {
    await drainJobs();
    await deleteShopData(TEST_SHOP, OTHER_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  beforeEach(async () => {
    const where = { shop: { in: [TEST_SHOP, OTHER_SHOP] } };
    await prisma.$transaction([
      prisma.ambassadorApplication.deleteMany({ where }),
      prisma.ambassador.deleteMany({ where }),
      prisma.ambassadorCode.deleteMany({ where }),
      prisma.approvalBatch.deleteMany({ where }),
      prisma.ambassadorEvent.deleteMany({ where }),
    ]);
  });

  it("without any application, says so (the page shows where applications come from)", async () => {
    await apply({ shop: OTHER_SHOP, email: "elsewhere@example.com" });
    const data = await load();
    expect(data.rows).toEqual([]);
    expect(data.counts).toEqual({ pending: 0, approved: 0, rejected: 0, all: 0 });
    expect(data.tab).toBe("pending");
  });

  it("lists the shop's pending applications newest first, with the customer's facts", async () => {
    const [ada, bo] = customers;
    const old = await apply({ email: "old@example.com", minutesAgo: 60 });
    const repeat = await apply({
      name: "Ada Lovelace",
      email: ada.email ?? "ada@example.com",
      customerId: ada.legacyResourceId,
      minutesAgo: 5,
      submissions: 2,
    });
    const noStats = await apply({ email: "nostats@example.com", customerId: "999", minutesAgo: 30 });
    await apply({ email: "approved@example.com", status: "approved", minutesAgo: 1 });
    await apply({ email: "rejected@example.com", status: "rejected", minutesAgo: 2 });
    await apply({ shop: OTHER_SHOP, email: bo.email ?? "bo@example.com", customerId: bo.legacyResourceId });

    const data = await load();
    expect(data.tab).toBe("pending");
    expect(ids(data.rows)).toEqual([repeat.id, noStats.id, old.id]);
    expect(data.counts).toEqual({ pending: 3, approved: 1, rejected: 1, all: 5 });
    expect(data.currencyCode).toBe("EUR");
    expect(data.rows[0]).toMatchObject({
      name: "Ada Lovelace",
      customerId: ada.legacyResourceId,
      submissions: 2,
      status: "pending",
      customer: { orderCount: 4, netSpentCents: 123_450 },
    });
    expect(data.rows[1]).toMatchObject({ customerId: "999", customer: null });
    expect(data.rows[2]).toMatchObject({ customerId: null, customer: null });

    expect((await load("?status=approved")).rows.map((r) => r.email)).toEqual(["approved@example.com"]);
    expect((await load("?status=rejected")).rows.map((r) => r.email)).toEqual(["rejected@example.com"]);
    expect((await load("?status=all")).rows).toHaveLength(5);
    // An unknown tab is the default one.
    expect(ids((await load("?status=everything")).rows)).toEqual(ids(data.rows));
  });

  it("pages 50 at a time with cursors, forwards and back, ties broken by id", async () => {
    const total = 2 * QUEUE_PAGE_SIZE + 7;
    // Pairs share a creation time: the order must still be total and stable.
    await prisma.ambassadorApplication.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        shop: TEST_SHOP,
        name: `Applicant ${i}`,
        email: `applicant${i}@example.com`,
        consentedAt: new Date(),
        createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 2) * MINUTE),
      })),
    });
    const everything = await prisma.ambassadorApplication.findMany({
      where: { shop: TEST_SHOP },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });

    const first = await load();
    expect(first.rows).toHaveLength(QUEUE_PAGE_SIZE);
    expect(first.previousCursor).toBeNull();
    const second = await load(`?after=${first.nextCursor}`);
    const third = await load(`?after=${second.nextCursor}`);
    expect(third.rows).toHaveLength(7);
    expect(third.nextCursor).toBeNull();
    expect([...ids(first.rows), ...ids(second.rows), ...ids(third.rows)]).toEqual(ids(everything));

    const back = await load(`?before=${third.previousCursor}`);
    expect(ids(back.rows)).toEqual(ids(second.rows));
    const start = await load(`?before=${back.previousCursor}`);
    expect(ids(start.rows)).toEqual(ids(first.rows));
    expect(start.previousCursor).toBeNull();

    // A cursor that is not one: the first page.
    expect(ids((await load("?after=not-a-cursor")).rows)).toEqual(ids(first.rows));
  });

  it("approves one or several applications, starts provisioning and reports the count", async () => {
    const [ada] = customers;
    const a = await apply({ name: "Ada Lovelace", email: ada.email ?? "ada@x.example", customerId: ada.legacyResourceId });
    const b = await apply({ name: "Bo Newcomer", email: "bo.newcomer@example.com", minutesAgo: 3 });
    const c = await apply({ name: "Cy Third", email: "cy@example.com", minutesAgo: 4 });

    expect(await decide({ intent: "approve", ids: [a.id] })).toEqual({
      ok: true,
      intent: "approve",
      approved: 1,
      problems: [],
    });
    expect(await decide({ intent: "approve", ids: [b.id, c.id] })).toMatchObject({ ok: true, approved: 2, problems: [] });

    const approved = await load("?status=approved");
    expect(approved.rows.map((r) => r.email).sort()).toEqual(
      [ada.email, "bo.newcomer@example.com", "cy@example.com"].sort(),
    );
    const adaRow = approved.rows.find((r) => r.id === a.id);
    const ambassador = await prisma.ambassador.findUniqueOrThrow({
      where: { shop_customerId: { shop: TEST_SHOP, customerId: ada.legacyResourceId } },
    });
    expect(adaRow?.ambassadorId).toBe(ambassador.id);
    expect(ambassador).toMatchObject({ status: "active", source: "application", firstName: "Ada" });
    expect((await load()).rows).toEqual([]);

    // The provisioning job the action started puts the code in Shopify.
    await drainJobs();
    const code = await prisma.ambassadorCode.findFirstOrThrow({ where: { shop: TEST_SHOP, ambassadorId: ambassador.id } });
    expect(code.shopifyState).toBe("present");
    const inShopify = shop.store.discounts.flatMap((d) => d.codes.map((x) => x.code.toUpperCase()));
    expect(inShopify).toContain(ambassador.code);
  });

  it("explains each application it could not approve, another shop's included, in plain words", async () => {
    const ok = await apply({ name: "Ok Applicant", email: "ok@example.com" });
    const rejected = await apply({ name: "Rae Jected", email: "rae@example.com", status: "rejected" });
    const theirs = await apply({ shop: OTHER_SHOP, name: "Other Shop", email: "other@example.com" });

    const outcome = await decide({ intent: "approve", ids: [ok.id, rejected.id, theirs.id, "missing-id"] });
    expect(outcome).toMatchObject({ ok: true, intent: "approve", approved: 1 });
    if (!outcome.ok) return;
    expect(outcome.problems).toEqual(
      expect.arrayContaining([
        {
          id: rejected.id,
          applicant: "Rae Jected (rae@example.com)",
          message: expect.stringMatching(/rejected.*cannot be approved/),
        },
        { id: theirs.id, applicant: null, message: expect.stringMatching(/does not exist in your store/) },
        { id: "missing-id", applicant: null, message: expect.stringMatching(/does not exist in your store/) },
      ]),
    );
    expect(outcome.problems).toHaveLength(3);
    expect(await statusOf(theirs.id)).toBe("pending");
    expect(await statusOf(rejected.id)).toBe("rejected");
    expect(await prisma.ambassador.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });

  it("rejects pending applications only, never another shop's", async () => {
    const a = await apply({ email: "a@example.com" });
    const b = await apply({ email: "b@example.com" });
    const approved = await apply({ name: "Al Ready", email: "al@example.com", status: "approved" });
    const theirs = await apply({ shop: OTHER_SHOP, email: "theirs@example.com" });

    const outcome = await decide({ intent: "reject", ids: [a.id, b.id, approved.id, theirs.id] });
    expect(outcome).toMatchObject({ ok: true, intent: "reject", rejected: 2 });
    if (!outcome.ok) return;
    expect(outcome.problems).toEqual([
      { id: approved.id, applicant: "Al Ready (al@example.com)", message: expect.stringMatching(/Already approved/) },
      { id: theirs.id, applicant: null, message: expect.stringMatching(/does not exist in your store/) },
    ]);
    expect(await statusOf(a.id)).toBe("rejected");
    expect(await statusOf(approved.id)).toBe("approved");
    expect(await statusOf(theirs.id)).toBe("pending");
    expect((await load("?status=rejected")).counts).toMatchObject({ pending: 0, rejected: 2, approved: 1 });
    expect((await load()).rows).toEqual([]);
  });

  it("refuses an unknown intent, no ids or too many ids, changing nothing", async () => {
    const a = await apply({ email: "a@example.com" });
    for (const [fields, message] of [
      [{ intent: "promote", ids: [a.id] }, /Choose Approve or Reject/],
      [{ ids: [a.id] }, /Choose Approve or Reject/],
      [{ intent: "approve", ids: [] }, /Select at least one/],
      [{ intent: "reject", ids: ["", "  "] }, /Select at least one/],
      [{ intent: "approve", ids: ["x".repeat(65)] }, /not an application id/],
      [
        { intent: "approve", ids: Array.from({ length: MAX_DECISION_IDS + 1 }, (_, i) => `id${i}`) },
        /at most 250/,
      ],
    ] as const) {
      const outcome = await decide({ intent: fields.intent, ids: [...fields.ids] });
      expect(outcome, JSON.stringify(fields).slice(0, 80)).toEqual({
        ok: false,
        message: expect.stringMatching(message),
      });
    }
    expect(await statusOf(a.id)).toBe("pending");
    expect(await prisma.ambassador.count({ where: { shop: TEST_SHOP } })).toBe(0);
    // Repeated ids count once.
    expect(await decide({ intent: "reject", ids: [a.id, a.id, ` ${a.id} `] })).toMatchObject({ rejected: 1, problems: [] });
  });
});
