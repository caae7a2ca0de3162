import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCandidates } from "~/models/Candidate/Candidate.server";
import { getProgramSettings } from "~/models/ProgramSettings/ProgramSettings.server";
import type { LocalShop } from "#/local-shop";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { loader as candidatesLoader } from "../../app.candidates._index/route";
import {
  clearTestShop,
  expectedCandidates,
  seedTestShop,
} from "../../app.candidates._index/tests/seed";
import { action, loader } from "../route";

const load = () => adminLoad(loader, "/app/settings");
const save = (fields: Record<string, string>) => adminPost(action, "/app/settings", fields);
const candidates = () => adminLoad(candidatesLoader, "/app/candidates");

describe("Program settings page", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await seedTestShop();
    shop = await startTestShop();
  });
  afterAll(async () => {
    await shop?.close();
    await clearTestShop();
  });

  it("shows the defaults, minimum spend blank for any amount, in the shop currency", async () => {
    expect(await load()).toMatchObject({
      values: { minOrders: "2", minSpent: "", recencyDays: "365" },
      currencyCode: "USD",
    });
  });

  it("puts each error on its field and saves nothing", async () => {
    const before = await getProgramSettings(TEST_SHOP);
    const listed = await listCandidates(TEST_SHOP, { pageSize: 250 });

    const all = await save({ minOrders: "0", minSpent: "abc", recencyDays: "" });
    expect(all.ok).toBe(false);
    if (all.ok) return;
    expect(all.errors.minOrders).toMatch(/at least 1/);
    expect(all.errors.minSpent).toMatch(/amount like 25/);
    expect(all.errors.recencyDays).toMatch(/required/);
    expect(all.values).toMatchObject({ minOrders: "0", minSpent: "abc", recencyDays: "" });

    const weights = await save({
      minOrders: "2", minSpent: "", recencyDays: "365",
      reviewWeight: "-1", mentionWeight: "51", emailWeight: "", smsWeight: "2.5",
    });
    expect(weights).toMatchObject({
      ok: false,
      errors: {
        reviewWeight: expect.stringMatching(/Reviews weight must be at least 0/),
        mentionWeight: expect.stringMatching(/at most 50/),
        emailWeight: expect.stringMatching(/Email subscriber weight must be a number/),
        smsWeight: expect.stringMatching(/whole number/),
      },
    });
    if (!weights.ok) expect(Object.keys(weights.errors).sort()).toEqual(["emailWeight", "mentionWeight", "reviewWeight", "smsWeight"]);

    const spendOnly = await save({ minOrders: "3", minSpent: "12.345", recencyDays: "30" });
    expect(spendOnly).toMatchObject({
      ok: false,
      errors: { minSpent: expect.stringMatching(/2 decimal places/) },
    });
    if (!spendOnly.ok) expect(Object.keys(spendOnly.errors)).toEqual(["minSpent"]);

    const tooMany = await save({ minOrders: "1.5", minSpent: "", recencyDays: "99999" });
    expect(tooMany).toMatchObject({
      ok: false,
      errors: {
        minOrders: expect.stringMatching(/whole number/),
        recencyDays: expect.stringMatching(/at most 7,300/),
      },
    });

    expect(await getProgramSettings(TEST_SHOP)).toEqual(before);
    const after = await listCandidates(TEST_SHOP, { pageSize: 250 });
    expect(after.candidates.map((c) => [c.customerId, c.score])).toEqual(
      listed.candidates.map((c) => [c.customerId, c.score])
    );
  });

  it("saves, converts the spend to cents, and re-ranks the candidates at once", async () => {
    const before = await candidates();
    const scoreBefore = new Map(before.rows.map((r) => [r.id, r.score]));

    const result = await save({ minOrders: "3", minSpent: "100.50", recencyDays: "100" });
    const expected = expectedCandidates({ minOrders: 3, minSpentCents: 10_050, withinDays: 100 });
    expect(result).toMatchObject({ ok: true, candidateCount: expected.length });
    expect(await getProgramSettings(TEST_SHOP)).toMatchObject({
      minOrders: 3,
      minSpentCents: 10_050,
      recencyDays: 100,
    });
    expect((await load()).values).toEqual({
      minOrders: "3",
      minSpent: "100.50",
      recencyDays: "100",
      reviewWeight: "15",
      mentionWeight: "10",
      emailWeight: "5",
      smsWeight: "5",
    });

    const after = await candidates();
    expect(after.rows.map((r) => r.id).sort()).toEqual(expected.map((c) => c.id).sort());
    const scores = after.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // A shorter window and a higher threshold change every score, without a sync.
    for (const row of after.rows) expect(row.score).not.toBe(scoreBefore.get(row.id));
  });

  it("saves the signal weights, and a signal weighted 0 changes no score", async () => {
    await save({ minOrders: "2", minSpent: "", recencyDays: "365" });
    const on = new Map((await candidates()).rows.map((r) => [r.id, r.score]));
    // The seeded shop has email subscribers; with email off, they lose exactly its points.
    const off = await save({ minOrders: "2", minSpent: "", recencyDays: "365", reviewWeight: "15", mentionWeight: "10", emailWeight: "0", smsWeight: "5" });
    expect(off).toMatchObject({ ok: true });
    expect(await getProgramSettings(TEST_SHOP)).toMatchObject({ emailWeight: 0 });
    const rows = (await candidates()).rows;
    const drops = rows.map((r) => Math.round(((on.get(r.id) ?? 0) - r.score) * 10) / 10);
    expect(new Set(drops)).toEqual(new Set([0, 5]));
    await save({ minOrders: "2", minSpent: "", recencyDays: "365", reviewWeight: "15", mentionWeight: "10", emailWeight: "5", smsWeight: "5" });
  });

  it("blank minimum spend means any amount", async () => {
    expect(await save({ minOrders: "2", minSpent: " ", recencyDays: "365" })).toMatchObject({
      ok: true,
    });
    expect(await getProgramSettings(TEST_SHOP)).toMatchObject({
      minOrders: 2,
      minSpentCents: 0,
      recencyDays: 365,
    });
    expect((await candidates()).totalCount).toBe(
      expectedCandidates({ minOrders: 2, withinDays: 365 }).length
    );
  });
});

describe("Program settings before the first sync", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await clearTestShop();
    shop = await startTestShop({ seed: { customers: 0, orders: 0, seed: 1 } });
    shop.store.shop.currencyCode = "JPY";
  });
  afterAll(async () => {
    await shop?.close();
    await clearTestShop();
  });

  it("asks Shopify for the shop currency, so a spend in yen is stored in yen", async () => {
    expect(await load()).toMatchObject({ currencyCode: "JPY" });
    expect(await save({ minOrders: "2", minSpent: "1500", recencyDays: "365" })).toMatchObject({ ok: true });

    expect(await getProgramSettings(TEST_SHOP)).toMatchObject({ currencyCode: "JPY", minSpentCents: 1500 });
  });
});
