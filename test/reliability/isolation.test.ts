/**
 * Shop isolation (issue 6): two shops seeded with the same shapes and the same customer ids,
 * then every admin loader and action (app.*), every app-proxy route (apps.ambassadors.*) and
 * every export called as shop A. Nothing of shop B may appear in a response (its marker name,
 * codes, amounts or row ids), an id of B's is refused, and B's rows are byte-for-byte the same
 * after every route as before. The routes are read from app/routes, so a new route without a
 * case here fails the suite.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { seedShopShapes, snapshotShop, SHARED_CUSTOMERS, type SeededShop } from "#/factories/shop-shapes";
import { deleteStorefrontData, proxyRequest } from "~/models/Storefront/tests/storefront-fixtures";
import { repoRoot } from "#/setup/test-env";
import { recordReliability } from "./ledger";

const ROUTES_DIR = path.join(repoRoot, "app", "routes");
const SHOP_B = uniqueShop("isolation-b");

/** The routes this suite must cover: admin pages, exports and the app proxy. */
function scopedRoutes(): string[] {
  return fs
    .readdirSync(ROUTES_DIR)
    .filter((entry) => /^app\.|^app\.tsx$|^apps\.ambassadors\./.test(entry))
    .map((entry) => entry.replace(/\.tsx?$/, ""))
    .sort();
}

async function routeModule(route: string): Promise<{ loader?: Handler; action?: Handler }> {
  const candidates = [`${route}.tsx`, `${route}.ts`, `${route}/route.tsx`, `${route}/route.ts`];
  const file = candidates.map((c) => path.join(ROUTES_DIR, c)).find((c) => fs.existsSync(c));
  if (!file) throw new Error(`No module for route ${route}`);
  return import(/* @vite-ignore */ file);
}

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;

interface Outcome {
  status: number;
  text: string;
  /** Parsed JSON (plain loader data or a JSON response), when there is some. */
  data: unknown;
}

const toJson = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "";

async function settle(run: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  await drainJobs();
  if (result instanceof Response) {
    const text = await result.text();
    let data: unknown = null;
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
    return { status: result.status, text: `${result.headers.get("location") ?? ""}\n${text}`, data };
  }
  return { status: 200, text: toJson(result), data: result };
}

let a: SeededShop;
let b: SeededShop;
let bSnapshot: string;
let localShop: LocalShop;
let requestsSent = 0;
/** Leaks and changes to B seen, for the ledger (also recorded when a case fails). */
let lost = 0;

/** Everything that would betray shop B in a response, minus what the request itself named. */
function bTokens(echoed: string[]): string[] {
  const { cents } = b.marker;
  const amounts = [cents, cents * 2, cents * 3, Math.round(cents / 5)].flatMap((c) => [String(c), (c / 100).toFixed(2)]);
  const ids = Object.values(b.ids).filter((id) => id.length > 8);
  const tokens = [b.marker.name, ...Object.values(b.codes), ...amounts, ...ids].map((t) => t.toLowerCase());
  // A search term or id the request sent may come back in the answer; the rows may not.
  return tokens.filter((token) => !echoed.some((sent) => sent.toLowerCase().includes(token)));
}

function expectNoLeak(route: string, outcome: Outcome, echoed: string[] = []) {
  const text = outcome.text.toLowerCase().replace(/,/g, "");
  const leaked = bTokens(echoed).filter((token) => text.includes(token.toLowerCase()));
  lost += leaked.length;
  expect(leaked, `${route} answered with shop B's ${leaked.join(", ")}`).toEqual([]);
}

async function expectBUnchanged(route: string) {
  const now = await snapshotShop(SHOP_B);
  const before = bSnapshot;
  // Re-baseline, so a change is blamed on the route that made it and no other.
  bSnapshot = now;
  if (now !== before) lost++;
  expect(now, `${route} changed shop B's rows`).toBe(before);
}

interface Call {
  route: string;
  method?: "GET" | "POST";
  path: string;
  params?: Record<string, string>;
  form?: Record<string, string | string[]>;
  /** Files sent with the form (then as multipart/form-data). */
  files?: Record<string, { name: string; text: string }>;
  /** Storefront (app proxy) call, with this logged-in customer. */
  proxyCustomer?: string | null;
}

function formBody(form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return body;
}

function multipartBody(form: Record<string, string | string[]>, files: NonNullable<Call["files"]>) {
  const body = new FormData();
  for (const [key, value] of formBody(form)) body.append(key, value);
  for (const [key, file] of Object.entries(files)) body.set(key, new File([file.text], file.name, { type: "text/csv" }));
  return body;
}

/** Calls the route as shop A, checks the answer holds nothing of B, and returns it. */
async function call(c: Call): Promise<Outcome> {
  const mod = await routeModule(c.route);
  const method = c.method ?? (c.form ? "POST" : "GET");
  const handler = method === "GET" ? mod.loader : mod.action;
  if (!handler) throw new Error(`${c.route} has no ${method === "GET" ? "loader" : "action"}`);
  const request =
    c.proxyCustomer !== undefined
      ? proxyRequest(c.path, {
          shop: TEST_SHOP,
          customerId: c.proxyCustomer,
          method,
          form: c.form ? Object.fromEntries(formBody(c.form)) : undefined,
        })
      : await adminRequest(c.path, method === "POST" ? { method, body: c.files ? multipartBody(c.form ?? {}, c.files) : formBody(c.form ?? {}) } : undefined);
  requestsSent++;
  const outcome = await settle(() => handler({ request, params: c.params ?? {}, context: {} }));
  const echoed = [...Object.values(c.params ?? {}), ...Object.values(c.form ?? {}).flat(), c.path];
  expectNoLeak(`${method} ${c.path}`, outcome, echoed);
  return outcome;
}

/** A's data is there (so the absence of B's means something). */
function expectShows(outcome: Outcome, ...tokens: string[]) {
  for (const token of tokens) expect(outcome.text.toLowerCase()).toContain(token.toLowerCase());
}

/** An action on one of B's ids: refused as not found (404 or an ok:false answer). */
function expectRefused(outcome: Outcome) {
  const data = outcome.data as Record<string, unknown> | null;
  const count = data?.updated ?? data?.rejected ?? data?.approved;
  const reasons = data?.unknown ?? data?.problems;
  const refused =
    outcome.status === 404 ||
    data?.ok === false ||
    (data?.ok === true && count === 0 && Array.isArray(reasons) && reasons.length > 0);
  expect(refused, `expected a refusal, got ${outcome.status} ${outcome.text.slice(0, 300)}`).toBe(true);
}

const A_NAME = "Annika";

const rowsOf = (outcome: Outcome) => (outcome.data as { rows: unknown[] }).rows;

/** One case per route: what shop A calls, and what it must and must not see. */
const CASES: Record<string, () => Promise<void>> = {
  app: async () => {
    expect((await call({ route: "app", path: "/app" })).status).toBe(200);
  },
  "app._index": async () => {
    expect((await call({ route: "app._index", path: "/app" })).status).toBe(200);
  },
  "app.ambassadors.$id": async () => {
    const route = "app.ambassadors.$id";
    expectShows(await call({ route, path: `/app/ambassadors/${a.ids.active}`, params: { id: a.ids.active } }), a.codes.active, `${A_NAME} notes`);
    for (const id of [b.ids.active, b.ids.paused]) {
      expect((await call({ route, path: `/app/ambassadors/${id}`, params: { id } })).status).toBe(404);
    }
    const intents: Array<[string, Record<string, string>]> = [
      [b.ids.active, { intent: "pause" }],
      [b.ids.paused, { intent: "reactivate" }],
      [b.ids.active, { intent: "remove" }],
      [b.ids.active, { intent: "regenerate" }],
      [b.ids.active, { intent: "changeCode", code: "FRESH4321" }],
      [b.ids.active, { intent: "notes", notes: "overwritten" }],
      [b.ids.active, { intent: "gift-welcome" }],
    ];
    for (const [id, form] of intents) {
      expectRefused(await call({ route, path: `/app/ambassadors/${id}`, params: { id }, form }));
    }
    await call({ route, path: `/app/ambassadors/${a.ids.active}`, params: { id: a.ids.active }, form: { intent: "retry" } });
    await call({ route, path: `/app/ambassadors/${b.ids.active}`, params: { id: b.ids.active }, form: { intent: "gift-retry" } });
  },
  "app.ambassadors._index": async () => {
    const route = "app.ambassadors._index";
    expectShows(await call({ route, path: "/app/ambassadors" }), a.codes.active);
    for (const q of [b.marker.name, b.codes.active]) {
      expect(rowsOf(await call({ route, path: `/app/ambassadors?q=${encodeURIComponent(q)}` }))).toEqual([]);
    }
    await call({ route, path: "/app/ambassadors?status=paused" });
  },
  "app.ambassadors.progress": async () => {
    await call({ route: "app.ambassadors.progress", path: "/app/ambassadors/progress" });
  },
  "app.applications._index": async () => {
    const route = "app.applications._index";
    expectShows(await call({ route, path: "/app/applications" }), `${A_NAME} Applicant`);
    await call({ route, path: "/app/applications?status=approved" });
    for (const intent of ["reject", "approve"]) {
      expectRefused(await call({ route, path: "/app/applications", form: { intent, id: b.ids.application } }));
    }
  },
  "app.candidates._index": async () => {
    const route = "app.candidates._index";
    expectShows(await call({ route, path: "/app/candidates" }), `${A_NAME} Candidate`);
    expect(rowsOf(await call({ route, path: `/app/candidates?q=${b.marker.name}` }))).toEqual([]);
    for (const decision of ["dismissed", "invited", "approved"]) {
      expectRefused(await call({ route, path: "/app/candidates", form: { decision, customerId: b.ids.ownCandidate } }));
    }
    // The same customer id in both shops: only A's candidate becomes A's ambassador.
    await call({ route, path: "/app/candidates", form: { decision: "approved", customerId: SHARED_CUSTOMERS.candidate } });
  },
  "app.community": async () => {
    const route = "app.community";
    expectShows(await call({ route, path: "/app/community" }), `${A_NAME} news`, `${A_NAME} feedback`, `${A_NAME} content`);
    expectRefused(await call({ route, path: "/app/community", form: { intent: "deleteNews", id: b.ids.news } }));
    expectRefused(await call({ route, path: "/app/community", form: { intent: "markRead", id: b.ids.feedback } }));
    await call({ route, path: "/app/community", form: { intent: "markAllRead" } });
    await call({ route, path: "/app/community", form: { intent: "postNews", title: "Spring launch", body: "New colours." } });
  },
  "app.dashboard": async () => {
    const route = "app.dashboard";
    await call({ route, path: "/app/dashboard?period=90" });
    await call({ route, path: "/app/dashboard", form: { intent: "recompute" } });
    await call({ route, path: "/app/dashboard?period=30" });
  },
  "app.data-requests": async () => {
    expectShows(await call({ route: "app.data-requests", path: "/app/data-requests" }), a.ids.dataRequest);
  },
  "app.data-requests.$id.report": async () => {
    const route = "app.data-requests.$id.report";
    const path = (id: string) => `/app/data-requests/${id}/report`;
    // The same customer id in both shops: A's report holds A's ambassador only.
    expectShows(await call({ route, path: path(a.ids.dataRequest), params: { id: a.ids.dataRequest } }), a.codes.active, `${A_NAME} feedback`);
    expect((await call({ route, path: path(b.ids.dataRequest), params: { id: b.ids.dataRequest } })).status).toBe(404);
  },
  "app.exports.ambassadors[.]csv": async () => {
    expectShows(await call({ route: "app.exports.ambassadors[.]csv", path: "/app/exports/ambassadors.csv" }), a.codes.active);
  },
  "app.exports.payouts[.]csv": async () => {
    expectShows(await call({ route: "app.exports.payouts[.]csv", path: "/app/exports/payouts.csv" }), `${A_NAME}-ref`);
  },
  "app.fraud-flags.$id.resolve": async () => {
    const route = "app.fraud-flags.$id.resolve";
    const path = (id: string) => `/app/fraud-flags/${id}/resolve`;
    expect((await call({ route, path: path(b.ids.fraudFlag), params: { id: b.ids.fraudFlag }, form: {} })).status).toBe(404);
    expect((await call({ route, path: path(a.ids.fraudFlag), params: { id: a.ids.fraudFlag }, form: {} })).data).toEqual({ ok: true });
  },
  "app.history-sync": async () => {
    const route = "app.history-sync";
    await call({ route, path: "/app/history-sync" });
    await call({ route, path: "/app/history-sync", form: { returnTo: "/app" } });
  },
  "app.program": async () => {
    const route = "app.program";
    expectShows(await call({ route, path: "/app/program" }), "annika-tag");
    const saved = await call({
      route,
      path: "/app/program",
      form: { discountKind: "percentage", discountPercent: "15", minimumOrder: "", oncePerCustomer: "on", codeDigits: "3", ambassadorTag: "annika-tag" },
    });
    expect(saved.data).toMatchObject({ ok: true });
  },
  "app.program.status": async () => {
    const route = "app.program.status";
    for (const intent of ["pause-program", "resume-program", "pause-codes", "resume-codes"]) {
      await call({ route, path: "/app/program/status", form: { intent } });
    }
  },
  "app.reconciliation": async () => {
    const route = "app.reconciliation";
    expectShows(await call({ route, path: "/app/reconciliation" }), `${A_NAME} report`);
    await call({ route, path: "/app/reconciliation", form: {} });
  },
  "app.gifts": async () => {
    const route = "app.gifts";
    await call({ route, path: "/app/gifts" });
    expectRefused(await call({ route, path: "/app/gifts", form: { intent: "seasonal", label: "Holiday 2026", target: b.ids.tier } }));
    await call({ route, path: "/app/gifts", form: { intent: "seasonal", label: "Holiday 2026", target: "all" } });
    await call({ route, path: "/app/gifts", form: { intent: "retry" } });
    await call({ route, path: "/app/gifts", form: { intent: "package", items: "[]" } });
  },
  "app.rewards._index": async () => {
    const route = "app.rewards._index";
    expectShows(await call({ route, path: "/app/rewards" }), A_NAME);
    await call({ route, path: `/app/rewards?ambassador=${b.ids.active}` });
    const paid = await call({ route, path: "/app/rewards", form: { intent: "mark-paid", payoutIds: b.ids.payout, reference: "x" } });
    expect((paid.data as { ok: boolean; message?: string }).message ?? "").not.toMatch(/^[1-9]/);
    const created = await call({ route, path: "/app/rewards", form: { intent: "create-payouts", method: "cash", ambassadorIds: [b.ids.active, b.ids.paused] } });
    expect(created.data).toMatchObject({ ok: true, message: expect.stringMatching(/^No approved balance/) });
    await call({ route, path: "/app/rewards", form: { intent: "mature" } });
    await call({ route, path: "/app/rewards", form: { intent: "send" } });
  },
  "app.rewards.settings": async () => {
    const route = "app.rewards.settings";
    const url = "/app/rewards/settings";
    expectShows(await call({ route, path: url }), `${A_NAME} Gold`, `${A_NAME} Milestone`);
    expectRefused(await call({ route, path: url, form: { intent: "tier-save", id: b.ids.tier, name: "Hijacked", minSales: "1", minOrders: "", commissionPercent: "50", tag: "hijacked" } }));
    expectRefused(await call({ route, path: url, form: { intent: "milestone-save", id: b.ids.milestone, name: "Hijacked", minSales: "1", minOrders: "", bonus: "1000" } }));
    await call({ route, path: url, form: { intent: "tier-delete", id: b.ids.tier } });
    await call({ route, path: url, form: { intent: "milestone-delete", id: b.ids.milestone } });
    await call({ route, path: url, form: { intent: "settings", commissionPercent: "12", flatReward: "", holdDays: "0", payoutMethod: "cash", leakOrdersPerDay: "20" } });
  },
  "app.signals": async () => {
    const route = "app.signals";
    await call({ route, path: "/app/signals" });
    // A's candidate matches in A; B's candidate (same customer id, B's email) matches no one in A.
    const reviews = `email,rating,date,text\n${A_NAME.toLowerCase()}.candidate@${A_NAME.toLowerCase()}.example,5,2026-10-01,Lovely\nzebulon.candidate@zebulon.example,5,2026-10-01,Lovely\n`;
    const imported = await call({ route, path: "/app/signals", form: { kind: "reviews", intent: "import", format: "generic" }, files: { file: { name: "r.csv", text: reviews } } });
    expect(imported.data).toMatchObject({ ok: true, imported: 1, preview: { matched: 1, unmatched: 1 } });
    const mentions = "handle,email,mentions,date\nzeb,zebulon.candidate@zebulon.example,3,2026-10-01\n";
    const mentioned = await call({ route, path: "/app/signals", form: { kind: "mentions", intent: "import" }, files: { file: { name: "m.csv", text: mentions } } });
    expect(mentioned.data).toMatchObject({ ok: true, imported: 0, preview: { unmatched: 1 } });
  },
  "app.integrations": async () => {
    const route = "app.integrations";
    expectShows(await call({ route, path: "/app/integrations" }), `${A_NAME} flow refusal`);
    expect((await call({ route, path: "/app/integrations", form: { intent: "save-klaviyo-key", apiKey: "not-a-key" } })).data).toMatchObject({ ok: false });
    await call({ route, path: "/app/integrations", form: { intent: "remove-klaviyo-key" } });
  },
  "app.settings": async () => {
    const route = "app.settings";
    await call({ route, path: "/app/settings" });
    expect((await call({ route, path: "/app/settings", form: { minOrders: "2", minSpent: "", recencyDays: "365" } })).data).toMatchObject({ ok: true });
  },
  "apps.ambassadors.apply": async () => {
    const route = "apps.ambassadors.apply";
    expect((await call({ route, path: "/apps/ambassadors/apply", proxyCustomer: null })).status).toBe(405);
    const form = { name: "Annika Applicant", email: "zebulon.applicant@zebulon.example", social_handle: "@a", reason: "Tea", consent: "on", website: "" };
    // B's applicant email and shared customer id, sent to A: a new application in A only.
    expect((await call({ route, path: "/apps/ambassadors/apply", proxyCustomer: SHARED_CUSTOMERS.applicant, form })).status).toBe(200);
    expect(await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP, email: form.email } })).toBe(1);
  },
  "apps.ambassadors.content": async () => {
    const route = "apps.ambassadors.content";
    const sent = await call({ route, path: "/apps/ambassadors/content", proxyCustomer: SHARED_CUSTOMERS.active, form: { url: "https://annika.example/new", note: "" } });
    expect(sent.status).toBe(200);
    // B's paused ambassador's customer id is A's paused ambassador too; B's active one is not A's.
    expect(await prisma.contentSubmission.count({ where: { shop: TEST_SHOP, url: "https://annika.example/new" } })).toBe(1);
  },
  "apps.ambassadors.feedback": async () => {
    const route = "apps.ambassadors.feedback";
    expect((await call({ route, path: "/apps/ambassadors/feedback", proxyCustomer: SHARED_CUSTOMERS.active, form: { rating: "4", message: "More tea" } })).status).toBe(200);
    expect(await prisma.ambassadorFeedback.count({ where: { shop: TEST_SHOP, message: "More tea" } })).toBe(1);
    // Not an ambassador in A (B's own candidate id): refused.
    expect((await call({ route, path: "/apps/ambassadors/feedback", proxyCustomer: b.ids.ownCandidate, form: { message: "x" } })).status).toBe(403);
  },
  "apps.ambassadors.portal": async () => {
    const route = "apps.ambassadors.portal";
    const portal = await call({ route, path: "/apps/ambassadors/portal", proxyCustomer: SHARED_CUSTOMERS.active });
    expectShows(portal, a.codes.active, `${A_NAME} news`);
    const stranger = await call({ route, path: "/apps/ambassadors/portal", proxyCustomer: b.ids.ownCandidate });
    expect(stranger.text).not.toContain(a.codes.active);
  },
  "apps.ambassadors.r.$code": async () => {
    const route = "apps.ambassadors.r.$code";
    const own = await call({ route, path: `/apps/ambassadors/r/${a.codes.active}`, params: { code: a.codes.active }, proxyCustomer: null });
    expect(own.status).toBe(302);
    expect(own.text).toContain(`/discount/${a.codes.active}`);
    for (const code of Object.values(b.codes)) {
      const other = await call({ route, path: `/apps/ambassadors/r/${code}`, params: { code }, proxyCustomer: null });
      expect(other.status).toBe(302);
      expect(other.text).not.toContain("/discount/");
    }
  },
};

describe("shop isolation: every route called as shop A reads and writes nothing of shop B", () => {
  beforeAll(async () => {
    await deleteShopData(TEST_SHOP, SHOP_B);
    localShop = await startTestShop({ seed: { customers: 5, orders: 10, seed: 6 } });
    a = await seedShopShapes(TEST_SHOP, { name: A_NAME, cents: 11_111, ownCandidate: "7101" });
    b = await seedShopShapes(SHOP_B, { name: "Zebulon", cents: 98_765, ownCandidate: "7201" });
    await adminClientFor(localShop);
    bSnapshot = await snapshotShop(SHOP_B);
  });
  afterAll(async () => {
    recordReliability({ suite: "isolation", inputsFuzzed: requestsSent, lost });
    await drainJobs();
    await deleteStorefrontData(TEST_SHOP, SHOP_B);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await localShop?.close();
  });

  it("has a case for every admin, export and app-proxy route", () => {
    expect(Object.keys(CASES).sort()).toEqual(scopedRoutes());
  });

  for (const route of Object.keys(CASES).sort()) {
    it(route, async () => {
      await CASES[route]();
      await expectBUnchanged(route);
    });
  }
});
