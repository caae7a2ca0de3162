/**
 * The moments of the program record their events where they happen, once each, in the
 * transaction that makes them happen (the ledger, maturation, payouts, the lifecycle and
 * the storefront application).
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { shopsErasedAfterFile } from "#/factories/orders";
import { createAmbassador, DAY_MS, rewardOrder } from "#/factories/rewards";
import { matureRewards } from "~/models/Rewards/Maturation.server";
import { createPayouts, markPayoutsPaid } from "~/models/Rewards/Payouts.server";
import { pauseAmbassador, removeAmbassador } from "~/models/Ambassador/Ambassador.server";
import { eraseStorefrontPersonalData, submitApplication } from "~/models/Application/Application.server";
import { recordFirstOrders } from "../moments.server";

const newShop = shopsErasedAfterFile();
const T0 = new Date("2026-03-01T12:00:00Z");
const after = (days: number) => new Date(T0.getTime() + days * DAY_MS);

async function events(shop: string) {
  const rows = await prisma.programEvent.findMany({ where: { shop }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({ kind: row.kind, ambassadorId: row.ambassadorId, data: JSON.parse(row.data) }));
}

describe("moments record program events", () => {
  it("the ledger: reward earned, tier and milestone reached, reward approved, payout sent — once each", async () => {
    const shop = newShop("pe-ledger");
    await prisma.rewardSettings.create({ data: { shop, commissionBasisPoints: 1000, holdDays: 30 } });
    await prisma.rewardTier.create({ data: { shop, name: "Gold", minSalesCents: 15_000n, commissionBasisPoints: 2000, tag: "gold" } });
    await prisma.rewardMilestone.create({ data: { shop, name: "Two orders", minOrders: 2, bonusCents: 2_500n } });
    const amb = await createAmbassador(shop);

    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:2:1", T0);
    // The same causes again (a redelivered webhook), and a refund: no new moments.
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:2:1", T0);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 9_000, processedAt: T0 }, "refund:1", after(1));
    expect(await events(shop)).toEqual([
      { kind: "reward_earned", ambassadorId: amb.id, data: { amountCents: 1000, orderId: "1" } },
      { kind: "reward_earned", ambassadorId: amb.id, data: { amountCents: 1000, orderId: "2" } },
      { kind: "tier_reached", ambassadorId: amb.id, data: { tierName: "Gold", commissionBasisPoints: 2000 } },
      { kind: "milestone_reached", ambassadorId: amb.id, data: { milestoneName: "Two orders", bonusCents: 2500 } },
    ].map((e) => expect.objectContaining(e)));

    await matureRewards(shop, after(40));
    await matureRewards(shop, after(41));
    const approved = (await events(shop)).filter((e) => e.kind === "reward_approved");
    // Order 1 net of its refund adjustment, order 2, and the milestone bonus.
    expect(approved.map((e) => e.data.amountCents).sort((a, b) => a - b)).toEqual([900, 1000, 2500]);

    const { created } = await createPayouts(shop, { method: "cash" });
    expect(await markPayoutsPaid(shop, created.map((p) => p.id), "BANK-1")).toEqual({ ok: true, paid: 1 });
    await markPayoutsPaid(shop, created.map((p) => p.id), "BANK-1");
    expect((await events(shop)).filter((e) => e.kind === "payout_sent")).toEqual([
      { kind: "payout_sent", ambassadorId: amb.id, data: { amountCents: 4400, method: "cash" } },
    ]);
  });

  it("a first attributed order fires once per ambassador, and not for one who had orders before", async () => {
    const shop = newShop("pe-first");
    const [fresh, veteran] = [await createAmbassador(shop), await createAmbassador(shop)];
    await rewardOrder(shop, { orderId: "9", ambassadorId: veteran.id, netCents: 1_000, processedAt: T0 }, "order:9:1", T0);
    await prisma.programEvent.deleteMany({ where: { shop } });
    const order = (orderId: string, ambassadorId: string, days: number) => ({ orderId, ambassadorId, selfReferral: false, processedAt: after(days) });

    await prisma.$transaction((tx) => recordFirstOrders(tx, shop, [order("11", fresh.id, 2), order("10", fresh.id, 1), order("12", veteran.id, 1)]));
    await prisma.$transaction((tx) => recordFirstOrders(tx, shop, [order("13", fresh.id, 3)]));
    expect(await events(shop)).toEqual([{ kind: "first_attributed_order", ambassadorId: fresh.id, data: { orderId: "10" } }]);
  });

  it("pausing and removing an ambassador, and a new application", async () => {
    const shop = newShop("pe-lifecycle");
    const amb = await createAmbassador(shop);
    expect(await pauseAmbassador(shop, amb.id)).toMatchObject({ ok: true });
    expect(await pauseAmbassador(shop, amb.id)).toMatchObject({ ok: false });
    expect(await removeAmbassador(shop, amb.id)).toMatchObject({ ok: true });

    const form = { name: "Rita Repeat", email: "rita@example.com", social_handle: "@rita", reason: "Love it", consent: "on" };
    await submitApplication(shop, { customerId: null, clientIdentity: "192.0.2.77" }, form);
    await submitApplication(shop, { customerId: null, clientIdentity: "192.0.2.78" }, form);
    expect(await events(shop)).toEqual([
      { kind: "ambassador_paused_or_removed", ambassadorId: amb.id, data: { status: "paused" } },
      { kind: "ambassador_paused_or_removed", ambassadorId: amb.id, data: { status: "removed" } },
      { kind: "application_received", ambassadorId: null, data: { name: "Rita Repeat", email: "rita@example.com", socialHandle: "@rita" } },
    ]);

    // customers/redact erases what the applicant typed from the event too.
    await eraseStorefrontPersonalData(shop, { email: "rita@example.com" });
    expect((await events(shop)).at(-1)?.data).toEqual({ name: "(erased)", email: "", socialHandle: "" });
  });
});
