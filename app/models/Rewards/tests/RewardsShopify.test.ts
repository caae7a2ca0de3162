import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { createAmbassador, DAY_MS, ledger, rewardOrder } from "#/factories/rewards";
import { matureRewards } from "../Maturation.server";
import { createPayouts, rewardCodeFor, sendPayout, sendPayouts } from "../Payouts.server";
import { syncTierTags } from "../TierTags.server";

let shop: LocalShop;
let graphql: AdminGraphqlClient;
const T0 = new Date(Date.now() - 60 * DAY_MS);

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 6, orders: 0, seed: 11 } });
  graphql = await adminClientFor(shop);
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP);
  shop.faults.clear();
  for (const customer of shop.store.customers) customer.tags = [];
});

function customer(index: number) {
  return shop.store.customers[index];
}

/** An ambassador for local-shop customer `index` with an approved balance of `cents`. */
async function ambassadorWithBalance(index: number, cents: number) {
  const amb = await createAmbassador(TEST_SHOP, { customerId: customer(index).legacyResourceId });
  await rewardOrder(TEST_SHOP, { orderId: `o-${index}`, ambassadorId: amb.id, netCents: cents * 10, processedAt: T0 }, `order:o-${index}:1`, T0);
  await matureRewards(TEST_SHOP);
  return amb;
}

describe("tier tags", () => {
  it("tags the customer with the new tier's tag and removes the old one", async () => {
    const silver = await prisma.rewardTier.create({
      data: { shop: TEST_SHOP, name: "Silver", minOrders: 1, commissionBasisPoints: 1200, tag: "ambassador-silver" },
    });
    await prisma.rewardTier.create({
      data: { shop: TEST_SHOP, name: "Gold", minOrders: 2, commissionBasisPoints: 1500, tag: "ambassador-gold" },
    });
    const amb = await createAmbassador(TEST_SHOP, { customerId: customer(0).legacyResourceId });
    await rewardOrder(TEST_SHOP, { orderId: "1", ambassadorId: amb.id, netCents: 5_000 }, "order:1:1");
    expect(await syncTierTags(graphql, TEST_SHOP, { throttleBackoffMs: 5 })).toEqual({ tagged: 1, failed: 0 });
    expect(customer(0).tags).toEqual(["ambassador-silver"]);
    expect((await prisma.ambassadorTier.findFirst({ where: { shop: TEST_SHOP, ambassadorId: amb.id } }))?.tierId).toBe(silver.id);

    await rewardOrder(TEST_SHOP, { orderId: "2", ambassadorId: amb.id, netCents: 5_000 }, "order:2:1");
    await syncTierTags(graphql, TEST_SHOP, { throttleBackoffMs: 5 });
    expect(customer(0).tags).toEqual(["ambassador-gold"]);
    // Nothing left to do: a second run sends nothing.
    expect(await syncTierTags(graphql, TEST_SHOP, { throttleBackoffMs: 5 })).toEqual({ tagged: 0, failed: 0 });
  });

  it("records Shopify's refusal on the ambassador's history and tries again next run", async () => {
    await prisma.rewardTier.create({
      data: { shop: TEST_SHOP, name: "Silver", minOrders: 1, commissionBasisPoints: 1200, tag: "ambassador-silver" },
    });
    const amb = await createAmbassador(TEST_SHOP, { customerId: customer(1).legacyResourceId });
    await rewardOrder(TEST_SHOP, { orderId: "1", ambassadorId: amb.id, netCents: 5_000 }, "order:1:1");
    shop.faults.add({ kind: "userErrors", operationName: "CustomerTagsAdd", userErrors: [{ field: ["tags"], message: "Tags are invalid" }] });
    expect(await syncTierTags(graphql, TEST_SHOP, { throttleBackoffMs: 5 })).toEqual({ tagged: 0, failed: 1 });
    const events = await prisma.ambassadorEvent.findMany({ where: { shop: TEST_SHOP, ambassadorId: amb.id } });
    expect(events.map((e) => e.detail)).toEqual(["Shopify refused the tier tag: Tags are invalid."]);
    expect(await syncTierTags(graphql, TEST_SHOP, { throttleBackoffMs: 5 })).toEqual({ tagged: 1, failed: 0 });
    expect(customer(1).tags).toEqual(["ambassador-silver"]);
  });
});

describe("payouts through Shopify", () => {
  it("creates a reward code for that customer only, once, for the payout amount", async () => {
    const amb = await ambassadorWithBalance(2, 1_250);
    const { created } = await createPayouts(TEST_SHOP, { method: "discount_code" });
    expect(await sendPayouts(graphql, TEST_SHOP)).toEqual({ paid: 1, failed: 0 });
    const code = rewardCodeFor(created[0].id);
    const discount = shop.store.discounts.find((d) => d.codes.some((c) => c.code === code))!;
    expect(discount.value.amountCents).toBe(1_250);
    expect(discount.context).toEqual({ kind: "customers", customerIds: [Number(customer(2).legacyResourceId)] });
    expect(discount.usageLimit).toBe(1);
    expect(await prisma.payout.findFirst({ where: { shop: TEST_SHOP } })).toMatchObject({ status: "paid", shopifyReference: code });
    expect((await ledger(TEST_SHOP, amb.id)).every((e) => e.status === "paid")).toBe(true);
  });

  it("a retry after a crash between Shopify's answer and our write does not create a second code", async () => {
    await ambassadorWithBalance(3, 800);
    const { created } = await createPayouts(TEST_SHOP, { method: "discount_code" });
    const before = shop.store.discounts.length;
    shop.faults.add({ kind: "networkReset", operationName: "RewardCodeCreate", executes: true });
    await expect(sendPayout(graphql, TEST_SHOP, created[0].id)).rejects.toThrow();
    expect(shop.store.discounts.length).toBe(before + 1);
    expect(await sendPayout(graphql, TEST_SHOP, created[0].id)).toBe(true);
    expect(shop.store.discounts.length).toBe(before + 1);
    expect((await prisma.payout.findFirst({ where: { shop: TEST_SHOP } }))?.status).toBe("paid");
  });

  it("credits store credit once, even when the answer was lost", async () => {
    await ambassadorWithBalance(4, 2_000);
    const { created } = await createPayouts(TEST_SHOP, { method: "store_credit" });
    shop.faults.add({ kind: "networkReset", operationName: "StoreCreditCredit", executes: true });
    await expect(sendPayout(graphql, TEST_SHOP, created[0].id)).rejects.toThrow();
    expect((await prisma.payout.findFirst({ where: { shop: TEST_SHOP } }))?.status).toBe("sending");
    expect(await sendPayout(graphql, TEST_SHOP, created[0].id)).toBe(true);
    const accounts = shop.store.storeCreditAccountsOf(Number(customer(4).legacyResourceId));
    expect(accounts.map((a) => a.balanceCents)).toEqual([2_000]);
    const payout = await prisma.payout.findFirst({ where: { shop: TEST_SHOP } });
    expect(payout).toMatchObject({ status: "paid" });
    expect(payout?.shopifyReference).toMatch(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\//);
  });

  it("store credit refused: the payout fails with the message and nothing is paid", async () => {
    const amb = await ambassadorWithBalance(5, 900);
    await createPayouts(TEST_SHOP, { method: "store_credit" });
    shop.faults.add({
      kind: "userErrors",
      operationName: "StoreCreditCredit",
      userErrors: [{ field: ["id"], message: "Store credit is not enabled for this shop", code: "UNSUPPORTED_CURRENCY" }],
    });
    expect(await sendPayouts(graphql, TEST_SHOP)).toEqual({ paid: 0, failed: 1 });
    const payout = await prisma.payout.findFirst({ where: { shop: TEST_SHOP } });
    expect(payout).toMatchObject({ status: "failed", error: "Shopify refused the store credit: Store credit is not enabled for this shop." });
    const entries = await ledger(TEST_SHOP, amb.id);
    expect(entries.every((e) => e.status === "approved" && e.payoutId === null)).toBe(true);
    expect(shop.store.storeCreditAccountsOf(Number(customer(5).legacyResourceId))).toEqual([]);
  });
});
