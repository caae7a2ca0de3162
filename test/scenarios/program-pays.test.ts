/**
 * The whole program, end to end, with answers worked out by hand: orders arrive as signed
 * webhooks, are attributed, earn rewards through the hold, a payout, refunds inside and
 * after the hold, a tier upgrade, a self-referral and a leaked code, and the dashboard
 * reports what it all cost and earned.
 *
 * Program: 10 % commission, no flat amount, 30-day hold, leak limit 3 new customers a day;
 * tier Gold at 3 orders pays 20 % (the order that reaches it keeps the old rate).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { saveRewardSettings, saveTier } from "~/models/Rewards/RewardRules.server";
import { matureRewards } from "~/models/Rewards/Maturation.server";
import { createPayouts, markPayoutsPaid, rewardBalances } from "~/models/Rewards/Payouts.server";
import { getDashboard, presetPeriod } from "~/models/Analytics/Analytics.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as refundsCreate } from "~/routes/webhooks.refunds.create";

const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (days: number) => new Date(now - days * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
const money = (cents: number) => (cents / 100).toFixed(2);

let shop: LocalShop;
let jane: { id: string; customerId: string };
let bob: { id: string; customerId: string };

async function order(o: {
  id: number;
  buyer: string;
  code?: string;
  totalCents: number;
  discountCents?: number;
  processedAt: string;
  email?: string;
}) {
  const amount = money(o.totalCents);
  const payload = {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: `#${o.id}`,
    email: o.email ?? `buyer${o.buyer}@example.com`,
    created_at: o.processedAt,
    processed_at: o.processedAt,
    updated_at: o.processedAt,
    cancelled_at: null,
    test: false,
    currency: "USD",
    total_price: amount,
    total_price_set: { shop_money: { amount, currency_code: "USD" } },
    total_discounts: money(o.discountCents ?? 0),
    discount_codes: o.code ? [{ code: o.code, amount: money(o.discountCents ?? 0), type: "fixed_amount" }] : [],
    customer: { id: Number(o.buyer), first_name: "Buyer", last_name: o.buyer, email: o.email ?? `buyer${o.buyer}@example.com`, tags: "", updated_at: "2024-01-01T00:00:00Z" },
    refunds: [],
  };
  const response = await ordersCreate({
    request: await webhookRequest("/webhooks/orders/create", "orders/create", payload),
    params: {},
    context: {},
  });
  expect(response.status).toBe(200);
  await drainJobs();
}

async function refund(id: number, orderId: number, cents: number, createdAt: string) {
  const response = await refundsCreate({
    request: await webhookRequest("/webhooks/refunds/create", "refunds/create", {
      id,
      order_id: orderId,
      created_at: createdAt,
      transactions: [{ kind: "refund", status: "success", amount: money(cents), currency: "USD" }],
    }),
    params: {},
    context: {},
  });
  expect(response.status).toBe(200);
  await drainJobs();
}

async function ambassador(firstName: string, code: string) {
  const customer = shop.store.addCustomer({ firstName, lastName: "Ambassador", email: `${firstName.toLowerCase()}@example.com` });
  const row = await prisma.ambassador.create({
    data: {
      shop: TEST_SHOP, customerId: customer.legacyResourceId, status: "active", source: "candidate",
      firstName, email: `${firstName.toLowerCase()}@example.com`, code, activatedAt: new Date(now - 90 * DAY),
      welcomeSyncedAt: new Date(), metafieldsCode: code,
    },
  });
  await prisma.ambassadorCode.create({
    data: { shop: TEST_SHOP, ambassadorId: row.id, code, shopifyState: "present", activatedAt: new Date(now - 90 * DAY) },
  });
  return { id: row.id, customerId: customer.legacyResourceId };
}

beforeAll(async () => {
  await deleteShopData(TEST_SHOP);
  shop = await startTestShop({ seed: { customers: 2, orders: 0, seed: 9 } });
  await adminClientFor(shop);
  await prisma.programSettings.create({ data: { shop: TEST_SHOP, currencyCode: "USD" } });
  expect(
    await saveRewardSettings(TEST_SHOP, { commissionPercent: "10", flatReward: "", holdDays: "30", payoutMethod: "cash", leakOrdersPerDay: "3", leakAutoPause: false }, "USD"),
  ).toMatchObject({ ok: true });
  expect(
    await saveTier(TEST_SHOP, { name: "Gold", minSales: "", minOrders: "3", commissionPercent: "20", tag: "ambassador-gold" }, "USD"),
  ).toMatchObject({ ok: true });
  jane = await ambassador("Jane", "JANE100");
  bob = await ambassador("Bob", "BOB200");
});

afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});

describe("an ambassador program, from orders to ROI", () => {
  it("attributes, rewards, holds, pays, claws back, upgrades, and flags", async () => {
    // Jane's four friends, each buying for the first time (codes typed in any case).
    await order({ id: 5001, buyer: "9001", code: "jane100", totalCents: 100_00, discountCents: 10_00, processedAt: daysAgo(60) });
    await order({ id: 5002, buyer: "9002", code: "JANE100", totalCents: 50_00, discountCents: 5_00, processedAt: daysAgo(10) });
    await order({ id: 5003, buyer: "9003", code: "Jane100", totalCents: 80_00, discountCents: 8_00, processedAt: daysAgo(5) });
    await order({ id: 5004, buyer: "9004", code: "JANE100", totalCents: 40_00, discountCents: 4_00, processedAt: daysAgo(2) });

    // $20 of order 5002 refunded inside its hold: its $5 reward becomes $3.
    await refund(7001, 5002, 20_00, daysAgo(9));

    // Order 5001 left its hold 30 days ago: $10 approved, then paid out.
    await matureRewards(TEST_SHOP, new Date(now));
    const { created } = await createPayouts(TEST_SHOP, { method: "cash" });
    expect(created).toEqual([expect.objectContaining({ ambassadorId: jane.id, amountCents: 10_00, method: "cash" })]);
    expect(await markPayoutsPaid(TEST_SHOP, created.map((p) => p.id), "BANK-2026-11")).toEqual({ ok: true, paid: 1 });

    // $50 of order 5001 refunded after the payout: −$5, to come off the next payout.
    await refund(7002, 5001, 50_00, daysAgo(1));
    // The same refund delivered again changes nothing.
    await refund(7002, 5001, 50_00, daysAgo(1));

    // Bob uses his own code (he had bought before, so he is not a new customer).
    await order({ id: 5010, buyer: bob.customerId, totalCents: 20_00, processedAt: daysAgo(100), email: "bob@example.com" });
    await order({ id: 5011, buyer: bob.customerId, code: "BOB200", totalCents: 70_00, discountCents: 7_00, processedAt: daysAgo(3), email: "bob@example.com" });
    // Bob's code leaks: four new customers within hours (the limit is 3 a day).
    for (let i = 0; i < 4; i++) {
      await order({ id: 5020 + i, buyer: String(9101 + i), code: "BOB200", totalCents: 25_00, discountCents: 2_50, processedAt: daysAgo(0.1 + i * 0.05) });
    }

    // Jane's ledger, by hand:
    //   5001: +$10 (10 %, approved, paid) − $5 (refund after payout, approved) = $5
    //   5002: +$5 − $2 (refund in hold) = $3 pending
    //   5003: her 3rd order reaches Gold but keeps 10 %: $8 pending
    //   5004: Gold 20 % of $40 = $8 pending
    const balances = await rewardBalances(TEST_SHOP);
    expect(balances.get(jane.id)).toMatchObject({ pendingCents: 19_00, approvedCents: -5_00, paidCents: 10_00 });
    // Bob: nothing for his own order (nor does it count towards a tier); the leak orders
    // earn 10 % of $25 = $2.50 three times, and the 4th, once he is Gold, 20 % = $5: $12.50.
    expect(balances.get(bob.id)).toMatchObject({ pendingCents: 12_50, approvedCents: 0, paidCents: 0 });

    // Jane (and Bob) are Gold; Jane is tagged in Shopify by the tier job.
    const standing = await prisma.ambassadorTier.findUnique({ where: { shop_ambassadorId: { shop: TEST_SHOP, ambassadorId: jane.id } } });
    const gold = await prisma.rewardTier.findFirstOrThrow({ where: { shop: TEST_SHOP, name: "Gold" } });
    expect(standing?.tierId).toBe(gold.id);
    expect(shop.store.customers.find((c) => c.legacyResourceId === jane.customerId)?.tags).toContain("ambassador-gold");

    // Flags: Bob's own order, and his leaked code.
    const flags = await prisma.fraudFlag.findMany({ where: { shop: TEST_SHOP }, orderBy: { kind: "asc" } });
    expect(flags.map((f) => [f.kind, f.ambassadorId])).toEqual([
      ["leak", bob.id],
      ["self_referral", bob.id],
    ]);
    const selfReferral = await prisma.attributedOrder.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: "5011" } } });
    expect(selfReferral).toMatchObject({ ambassadorId: bob.id, selfReferral: true, newCustomer: false });

    // Share-link clicks in the period: 20 for Jane, 10 for Bob.
    await prisma.shareClick.createMany({
      data: [
        ...Array.from({ length: 20 }, (_, i) => ({ shop: TEST_SHOP, ambassadorId: jane.id, day: daysAgo(1).slice(0, 10), visitorHash: `j${i}`, code: "JANE100" })),
        ...Array.from({ length: 10 }, (_, i) => ({ shop: TEST_SHOP, ambassadorId: bob.id, day: daysAgo(1).slice(0, 10), visitorHash: `b${i}`, code: "BOB200" })),
      ],
    });

    // The dashboard over the last 90 days, by hand:
    //   orders: Jane 4 + Bob 5 = 9 (Bob's earlier order used no code)
    //   revenue (net of refunds): 50 + 30 + 80 + 40 + 70 + 4 × 25 = $370
    //   new customers: Jane's 4 buyers + the 4 leak buyers = 8 (Bob had bought before)
    //   discount cost: 10 + 5 + 8 + 4 + 7 + 4 × 2.50 = $44
    //   reward cost: Jane 5 + 3 + 8 + 8 = $24, Bob $12.50 = $36.50
    //   ROI: (370 − 44 − 36.50) ÷ (44 + 36.50) = 289.50 ÷ 80.50 ≈ 3.60
    //   conversion: 9 orders ÷ 30 clicks = 30 %
    const { figures, top } = await getDashboard(TEST_SHOP, presetPeriod("90d", new Date(now)));
    expect(figures).toMatchObject({
      orders: 9,
      revenueCents: 370_00,
      newCustomers: 8,
      discountCents: 44_00,
      rewardCents: 36_50,
      clicks: 30,
    });
    expect(figures.roi).toBeCloseTo(289.5 / 80.5, 6);
    expect(figures.conversion).toMatchObject({ value: 0.3, sample: 30 });
    expect(top.map((a) => [a.ambassadorId, a.revenueCents])).toEqual([
      [jane.id, 200_00],
      [bob.id, 170_00],
    ]);
  });
});
