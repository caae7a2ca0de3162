import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { LocalShop } from "#/local-shop";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { createAmbassador, DAY_MS, rewardOrder } from "#/factories/rewards";
import { matureRewards } from "~/models/Rewards/Maturation.server";
import { csvCell } from "~/models/Rewards/csv";
import { action, loader } from "../route";
import { action as settingsAction, loader as settingsLoader } from "../../app.rewards.settings/route";
import { loader as ambassadorsCsv } from "../../app.exports.ambassadors[.]csv";
import { loader as payoutsCsv } from "../../app.exports.payouts[.]csv";

const OTHER = uniqueShop("rw-other");
const T0 = new Date(Date.now() - 60 * DAY_MS);
let shop: LocalShop;


/** An ambassador of `shopDomain` with an approved balance of `cents`. */
async function approved(shopDomain: string, cents: number, person: { firstName?: string; email?: string } = {}) {
  const amb = await createAmbassador(shopDomain, person);
  await rewardOrder(shopDomain, { orderId: `o-${amb.id}`, ambassadorId: amb.id, netCents: cents * 10, processedAt: T0 }, `order:o-${amb.id}:1`, T0);
  await matureRewards(shopDomain);
  return amb;
}

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 2, orders: 0, seed: 3 } });
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP, OTHER);
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP, OTHER);
});

describe("Rewards page", () => {
  it("says what Approve rewards past their hold did, nothing included", async () => {
    const mature = async () => adminPost(action, "/app/rewards", { intent: "mature" });
    expect(await mature()).toEqual({ ok: true, message: "No rewards were past their hold: nothing was approved." });

    const amb = await createAmbassador(TEST_SHOP, { firstName: "Jane" });
    await rewardOrder(TEST_SHOP, { orderId: "o-due", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:o-due:1", T0);
    expect(await mature()).toEqual({ ok: true, message: "1 reward approved." });
    expect(await prisma.rewardEntry.count({ where: { shop: TEST_SHOP, status: "approved" } })).toBe(1);
    expect(await mature()).toEqual({ ok: true, message: "No rewards were past their hold: nothing was approved." });
  });

  it("shows balances and creates payouts for positive approved balances only, in this shop", async () => {
    const mine = await approved(TEST_SHOP, 1_500, { firstName: "Jane" });
    const theirs = await approved(OTHER, 2_000);
    const page = await adminLoad(loader, "/app/rewards");
    expect(page.balances).toEqual([expect.objectContaining({ ambassadorId: mine.id, name: "Jane", approved: "$15.00" })]);

    const created = await adminPost(action, "/app/rewards", { intent: "create-payouts", method: "cash" });
    expect(created).toMatchObject({ ok: true, message: expect.stringMatching(/^1 payout/) });
    expect(await prisma.payout.count({ where: { shop: OTHER } })).toBe(0);
    expect(await prisma.payout.count({ where: { shop: TEST_SHOP, ambassadorId: mine.id } })).toBe(1);
    expect((await prisma.rewardEntry.findMany({ where: { shop: OTHER, ambassadorId: theirs.id } })).every((e) => e.payoutId === null)).toBe(true);
  });

  it("pages the balances on the server: every ambassador is reachable, the largest approved first", async () => {
    // 52 ambassadors with approved balances of 1 to 52 (shop currency units).
    await prisma.ambassador.createMany({
      data: Array.from({ length: 52 }, (_, i) => ({
        id: `${TEST_SHOP}:bal${i + 1}`, shop: TEST_SHOP, status: "active", source: "candidate", firstName: `Bal${i + 1}`,
      })),
    });
    await prisma.rewardEntry.createMany({
      data: Array.from({ length: 52 }, (_, i) => ({
        shop: TEST_SHOP, ambassadorId: `${TEST_SHOP}:bal${i + 1}`, sourceKey: `bal:${i + 1}`, kind: "commission", status: "approved", amountCents: BigInt((i + 1) * 100),
      })),
    });
    const first = await adminLoad(loader, "/app/rewards");
    expect(first.balancesPaging).toEqual({ page: 1, pageCount: 2, total: 52 });
    expect(first.balances).toHaveLength(50);
    expect(first.balances[0]).toMatchObject({ name: "Bal52", approved: "$52.00" });
    const second = await adminLoad(loader, "/app/rewards?balances=2");
    expect(second.balancesPaging.page).toBe(2);
    expect(second.balances.map((b) => b.name)).toEqual(["Bal2", "Bal1"]);
    // Garbage in the address shows the first page.
    expect((await adminLoad(loader, "/app/rewards?balances=-1")).balancesPaging.page).toBe(1);
  });

  it("marks cash payouts paid in bulk with a reference; another shop's payout ids are ignored", async () => {
    await approved(TEST_SHOP, 1_000);
    await approved(TEST_SHOP, 500);
    await approved(OTHER, 700);
    await adminPost(action, "/app/rewards", { intent: "create-payouts", method: "cash" });
    const { createPayouts } = await import("~/models/Rewards/Payouts.server");
    const otherPayout = (await createPayouts(OTHER, { method: "cash" })).created[0];
    const mine = await prisma.payout.findMany({ where: { shop: TEST_SHOP } });

    expect(await adminPost(action, "/app/rewards", { intent: "mark-paid", reference: " ", payoutIds: mine.map((p) => p.id) })).toMatchObject({
      ok: false,
      errors: { reference: expect.any(String) },
    });
    const result = await adminPost(action, "/app/rewards", { intent: "mark-paid", reference: "BANK-42", payoutIds: [...mine.map((p) => p.id), otherPayout.id] });
    expect(result).toEqual({ ok: true, message: "2 payouts marked paid." });
    expect(await prisma.payout.findMany({ where: { shop: TEST_SHOP }, select: { status: true, reference: true } })).toEqual([
      { status: "paid", reference: "BANK-42" },
      { status: "paid", reference: "BANK-42" },
    ]);
    expect(await prisma.payout.findUnique({ where: { id: otherPayout.id } })).toMatchObject({ status: "pending", reference: "" });

    const filtered = await adminLoad(loader, "/app/rewards?status=paid&method=cash");
    expect(filtered.payouts).toHaveLength(2);
    expect((await adminLoad(loader, "/app/rewards?status=pending")).payouts).toHaveLength(0);
  });
});

describe("Reward settings page", () => {
  it("saves valid rules and shows each invalid field's error without saving", async () => {
    const bad = await adminPost(settingsAction, "/app/rewards/settings", { intent: "settings", commissionPercent: "abc", flatReward: "1.234", holdDays: "-1", payoutMethod: "paypal", leakOrdersPerDay: "20" });
    expect(bad).toMatchObject({
      ok: false,
      errors: {
        commissionPercent: expect.stringMatching(/percentage/),
        flatReward: expect.stringMatching(/decimal places/),
        holdDays: expect.stringMatching(/at least 0/),
        payoutMethod: "Choose a payout method",
      },
    });
    expect(await prisma.rewardSettings.count({ where: { shop: TEST_SHOP } })).toBe(0);

    expect(
      await adminPost(settingsAction, "/app/rewards/settings", { intent: "settings", commissionPercent: "12.5", flatReward: "2.50", holdDays: "14", payoutMethod: "store_credit", leakOrdersPerDay: "30", leakAutoPause: "on" }
      )
    ).toMatchObject({ ok: true });
    expect(await prisma.rewardSettings.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({
      commissionBasisPoints: 1250,
      flatRewardCents: 250n,
      holdDays: 14,
      payoutMethod: "store_credit",
      leakOrdersPerDay: 30,
      leakAutoPause: true,
    });
    expect((await adminLoad(settingsLoader, "/app/rewards/settings")).settings).toMatchObject({
      commissionPercent: "12.5",
      flatReward: "2.50",
    });
  });

  it("validates tier tags like Shopify tags and keeps tiers per shop", async () => {
    const tier = (tag: string) => adminPost(settingsAction, "/app/rewards/settings", { intent: "tier-save", name: "Gold", minSales: "500", minOrders: "", commissionPercent: "15", tag });
    expect(await tier("gold,vip")).toMatchObject({ ok: false, errors: { tag: "Tag cannot contain commas" } });
    expect(await tier("x".repeat(41))).toMatchObject({ ok: false, errors: { tag: expect.stringMatching(/40 characters/) } });
    expect(await tier("ambassador-gold")).toMatchObject({ ok: true });
    expect(await tier("ambassador-gold")).toMatchObject({ ok: false, errors: { tag: expect.stringMatching(/already uses/) } });
    await prisma.rewardTier.create({ data: { shop: OTHER, name: "Other", commissionBasisPoints: 100, tag: "other" } });
    const page = await adminLoad(settingsLoader, "/app/rewards/settings");
    expect(page.tiers).toEqual([expect.objectContaining({ name: "Gold", minSales: "500.00", commissionPercent: "15", tag: "ambassador-gold" })]);

    // Deleting another shop's tier by id does nothing.
    const other = await prisma.rewardTier.findFirstOrThrow({ where: { shop: OTHER } });
    await adminPost(settingsAction, "/app/rewards/settings", { intent: "tier-delete", id: other.id });
    expect(await prisma.rewardTier.count({ where: { shop: OTHER } })).toBe(1);

    expect(
      await adminPost(settingsAction, "/app/rewards/settings", { intent: "milestone-save", name: "First", minSales: "", minOrders: "0", bonus: "10" })
    ).toMatchObject({ ok: false, errors: { minOrders: expect.stringMatching(/minimum sales, minimum orders/) } });
  });
});

describe("CSV exports", () => {
  it("escapes formula cells and quotes per RFC 4180", () => {
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell({ number: "-4.00" })).toBe("-4.00");
  });

  it("downloads the shop's ambassadors and payouts only, escaped, amounts in shop currency", async () => {
    await approved(TEST_SHOP, 1_234, { firstName: "=SUM(A1)", email: "jane@example.com" });
    await approved(OTHER, 999, { firstName: "Other", email: "other@example.com" });
    await adminPost(action, "/app/rewards", { intent: "create-payouts", method: "cash" });

    const response = await adminLoad(ambassadorsCsv, "/app/exports/ambassadors.csv");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="ambassadors.csv"');
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const lines = text.trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(",'=SUM(A1),");
    expect(lines[1]).toContain(",jane@example.com,");
    expect(lines[1]).toMatch(/,1,123\.40,0\.00,0\.00,12\.34,0\.00,USD$/);
    expect(text).not.toContain("other@example.com");

    const payouts = (await (await adminLoad(payoutsCsv, "/app/exports/payouts.csv")).text()).trim().split("\r\n");
    expect(payouts).toHaveLength(2);
    expect(payouts[1]).toContain(",12.34,USD,cash,pending,");
    expect(payouts[1]).toContain("'=SUM(A1)");
  });
});
