import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { shopsErasedAfterFile } from "#/factories/orders";
import { applyChange, attributeOrder, createAmbassador, DAY_MS, ledger, rewardOrder, sums } from "#/factories/rewards";
import { matureRewards } from "../Maturation.server";
import { createPayouts, markPayoutsPaid, rewardBalancePage, rewardBalances } from "../Payouts.server";
import { orderReward } from "../Rewards.server";

const newShop = shopsErasedAfterFile();
const T0 = new Date("2026-03-01T12:00:00Z");
const after = (days: number) => new Date(T0.getTime() + days * DAY_MS);

async function settings(shop: string, data: { commissionBasisPoints?: number; flatRewardCents?: number; holdDays?: number }) {
  await prisma.rewardSettings.create({ data: { shop, ...data, flatRewardCents: BigInt(data.flatRewardCents ?? 0) } });
}

describe("order rewards", () => {
  it("rounds commission half up and adds the flat amount", () => {
    expect(orderReward(10_005, 1000, 0)).toBe(1001); // 1000.5 → 1001
    expect(orderReward(10_000, 1250, 300)).toBe(1550);
    expect(orderReward(0, 1000, 300)).toBe(0);
  });

  it("gives commission plus the flat amount per order, pending in the hold", async () => {
    const shop = newShop("rw-basic");
    await settings(shop, { commissionBasisPoints: 1000, flatRewardCents: 500, holdDays: 30 });
    const amb = await createAmbassador(shop);
    const change = await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 20_000, processedAt: T0 }, "order:1:1", T0);
    expect(change.entriesCreated).toBe(1);
    const [entry] = await ledger(shop);
    expect(entry).toMatchObject({ kind: "commission", status: "pending", amountCents: 2500n, orderId: "1" });
    expect(entry.holdUntil).toEqual(after(30));
  });

  it("approves after the hold via maturation, not before", async () => {
    const shop = newShop("rw-mature");
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    expect(await matureRewards(shop, after(29))).toMatchObject({ approved: 0, voided: 0 });
    expect(await matureRewards(shop, after(30))).toMatchObject({ approved: 1, voided: 0 });
    expect(await sums(shop, amb.id)).toMatchObject({ approved: 1000, pending: 0 });
  });

  it("a refund inside the hold reduces the reward; a full refund voids it", async () => {
    const shop = newShop("rw-refund-hold");
    const amb = await createAmbassador(shop);
    const order = { orderId: "7", ambassadorId: amb.id, processedAt: T0 };
    await rewardOrder(shop, { ...order, netCents: 10_000 }, "order:7:1", T0);
    await rewardOrder(shop, { ...order, netCents: 6_000 }, "refund:r1", after(2));
    expect(await sums(shop, amb.id)).toMatchObject({ pending: 600, total: 600 });
    expect((await ledger(shop)).map((e) => [e.kind, Number(e.amountCents), e.status])).toEqual([
      ["commission", 1000, "pending"],
      ["adjustment", -400, "pending"],
    ]);
    await rewardOrder(shop, { ...order, netCents: 0 }, "refund:r2", after(3));
    expect(await sums(shop, amb.id)).toMatchObject({ pending: 0, approved: 0, total: 0, void: 600 });
    expect(await matureRewards(shop, after(40))).toMatchObject({ approved: 0 });
  });

  it("cancelled and self-referral orders earn nothing", async () => {
    const shop = newShop("rw-self");
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, selfReferral: true }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 10_000, cancelledAt: T0 }, "order:2:1", T0);
    expect(await ledger(shop)).toHaveLength(0);
  });

  it("the same cause twice adds nothing; causes in either order give the same balance", async () => {
    const a = newShop("rw-order-a");
    const b = newShop("rw-order-b");
    const ambA = await createAmbassador(a);
    const ambB = await createAmbassador(b);
    // Shop A: creation, then refund. Shop B: the refund's state arrives first.
    await rewardOrder(a, { orderId: "1", ambassadorId: ambA.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(a, { orderId: "1", ambassadorId: ambA.id, netCents: 7_000, processedAt: T0 }, "refund:9", T0);
    await applyChange(a, ["1"], "refund:9", T0);
    await applyChange(a, ["1"], "order:1:1", T0);

    await attributeOrder(b, { orderId: "1", ambassadorId: ambB.id, netCents: 7_000, processedAt: T0 });
    await applyChange(b, ["1"], "refund:9", T0);
    await applyChange(b, ["1"], "order:1:1", T0);
    await applyChange(b, ["1"], "refund:9", T0);

    expect((await sums(a, ambA.id)).total).toBe(700);
    expect((await sums(b, ambB.id)).total).toBe(700);
    expect(await ledger(a)).toHaveLength(2);
    expect(await ledger(b)).toHaveLength(1);
  });

  it("a refund after payout is an approved negative adjustment carried into the next payout", async () => {
    const shop = newShop("rw-clawback");
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await matureRewards(shop, after(31));
    const first = await createPayouts(shop, { method: "cash" });
    expect(first.created).toHaveLength(1);
    expect(await markPayoutsPaid(shop, [first.created[0].id], "BANK-1")).toEqual({ ok: true, paid: 1 });

    // Refund of 40 % after the payout: a clawback of 400.
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 6_000, processedAt: T0 }, "refund:1", after(40));
    const clawback = (await ledger(shop)).at(-1)!;
    expect(clawback).toMatchObject({ kind: "adjustment", status: "approved", amountCents: -400n });

    // Negative balance carries over: no payout.
    expect(await createPayouts(shop, { method: "cash" })).toMatchObject({ created: [], carriedOver: 1 });

    // A new order of 1,000 reward: the next payout nets the clawback.
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 10_000, processedAt: after(41) }, "order:2:1", after(41));
    await matureRewards(shop, after(80));
    const next = await createPayouts(shop, { method: "cash" });
    expect(next.created.map((p) => p.amountCents)).toEqual([600]);
    const balance = (await rewardBalances(shop)).get(amb.id)!;
    expect(balance).toMatchObject({ approvedCents: 0, inPayoutCents: 600, paidCents: 1000 });
  });

  it("a full refund after the hold but before maturation voids the order's pending entries", async () => {
    const shop = newShop("rw-late-refund");
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 0, processedAt: T0 }, "refund:1", after(35));
    await matureRewards(shop, after(36));
    expect(await sums(shop, amb.id)).toMatchObject({ approved: 0, pending: 0, total: 0 });
  });

  it("an order moved to another ambassador is reversed for the first", async () => {
    const shop = newShop("rw-moved");
    const first = await createAmbassador(shop);
    const second = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: first.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "1", ambassadorId: second.id, netCents: 10_000, processedAt: T0 }, "order:1:2", T0);
    expect((await sums(shop, first.id)).total).toBe(0);
    expect((await sums(shop, second.id)).total).toBe(1000);
  });
});

describe("tiers and milestones", () => {
  it("a tier upgrade changes the rate for later orders, not the crossing one", async () => {
    const shop = newShop("rw-tier");
    await settings(shop, { commissionBasisPoints: 1000 });
    const gold = await prisma.rewardTier.create({
      data: { shop, name: "Gold", minSalesCents: 15_000n, commissionBasisPoints: 2000, tag: "ambassador-gold" },
    });
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    const crossing = await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:2:1", T0);
    expect(crossing.tierTagChanges).toEqual([amb.id]);
    expect(await prisma.ambassadorTier.findUnique({ where: { shop_ambassadorId: { shop, ambassadorId: amb.id } } })).toMatchObject({
      tierId: gold.id,
      taggedAs: null,
    });
    await rewardOrder(shop, { orderId: "3", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:3:1", T0);
    expect((await ledger(shop)).map((e) => Number(e.amountCents))).toEqual([1000, 1000, 2000]);

    // A later refund of order 1 is recomputed at the rate it was first rewarded at.
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 5_000, processedAt: T0 }, "refund:1", after(1));
    expect((await ledger(shop)).at(-1)!.amountCents).toBe(-500n);
  });

  it("pays a milestone once, held like the order that crossed it", async () => {
    const shop = newShop("rw-milestone");
    const milestone = await prisma.rewardMilestone.create({
      data: { shop, name: "Five orders", minOrders: 2, bonusCents: 2_500n },
    });
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 1_000, processedAt: T0 }, "order:1:1", T0);
    const crossing = await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 1_000, processedAt: after(1) }, "order:2:1", after(1));
    expect(crossing.milestonesAwarded).toEqual([`milestone:${milestone.id}:${amb.id}`]);
    await rewardOrder(shop, { orderId: "3", ambassadorId: amb.id, netCents: 1_000, processedAt: after(2) }, "order:3:1", after(2));
    const bonuses = (await ledger(shop)).filter((e) => e.kind === "milestone");
    expect(bonuses).toHaveLength(1);
    expect(bonuses[0]).toMatchObject({ status: "pending", amountCents: 2_500n });
    expect(bonuses[0].holdUntil).toEqual(after(31)); // the later order's hold at creation
    await matureRewards(shop, after(40));
    expect((await ledger(shop)).find((e) => e.kind === "milestone")!.status).toBe("approved");
  });

  it("voids a milestone whose ambassador fell back below it before the hold ended", async () => {
    const shop = newShop("rw-milestone-void");
    await prisma.rewardMilestone.create({ data: { shop, name: "Big seller", minSalesCents: 10_000n, bonusCents: 1_000n } });
    const amb = await createAmbassador(shop);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 12_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 8_000, processedAt: T0 }, "refund:1", after(3));
    await matureRewards(shop, after(31));
    expect((await ledger(shop)).find((e) => e.kind === "milestone")!.status).toBe("void");
  });
});

describe("balances for the Rewards page", () => {
  /** An ambassador's balance as the ledger's sums say it should be. */
  async function ledgerBalance(shop: string, ambassadorId: string) {
    const balance = { ambassadorId, pendingCents: 0, approvedCents: 0, inPayoutCents: 0, paidCents: 0 };
    for (const entry of await ledger(shop, ambassadorId)) {
      const amount = Number(entry.amountCents);
      if (entry.status === "pending") balance.pendingCents += amount;
      else if (entry.status === "paid") balance.paidCents += amount;
      else if (entry.status === "approved" && entry.payoutId) balance.inPayoutCents += amount;
      else if (entry.status === "approved") balance.approvedCents += amount;
    }
    return balance;
  }

  it("equal the ledger's sums after earning, reversal, maturation, payout and clawback", async () => {
    const shop = newShop("rw-balance-ledger");
    await settings(shop, { commissionBasisPoints: 1000, flatRewardCents: 100, holdDays: 30 });
    const amb = await createAmbassador(shop);
    const other = await createAmbassador(shop);
    const expectSame = async () => {
      const balances = await rewardBalances(shop);
      for (const id of [amb.id, other.id]) {
        const expected = await ledgerBalance(shop, id);
        const live = (await ledger(shop, id)).some((e) => e.status !== "void");
        expect(balances.get(id) ?? null).toEqual(live ? expected : null);
      }
    };

    // Earned in the hold, one order partly refunded, one moved to another ambassador.
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 10_000, processedAt: T0 }, "order:1:1", T0);
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 5_000, processedAt: T0 }, "order:2:1", T0);
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 2_000, processedAt: T0 }, "refund:2", after(1));
    await rewardOrder(shop, { orderId: "3", ambassadorId: amb.id, netCents: 8_000, processedAt: T0 }, "order:3:1", T0);
    await rewardOrder(shop, { orderId: "3", ambassadorId: other.id, netCents: 8_000, processedAt: T0 }, "order:3:2", after(1));
    await expectSame();
    expect((await rewardBalances(shop)).get(amb.id)).toMatchObject({ pendingCents: 1_100 + 300, approvedCents: 0 });

    // A full refund in the hold voids; maturation approves the rest.
    await rewardOrder(shop, { orderId: "2", ambassadorId: amb.id, netCents: 0, processedAt: T0 }, "refund:2b", after(2));
    await matureRewards(shop, after(31));
    await expectSame();

    // Paid out, then a clawback after the payout, then a payout that fails and is released.
    const first = await createPayouts(shop, { method: "cash" });
    await expectSame();
    await markPayoutsPaid(shop, first.created.map((p) => p.id), "BANK-1");
    await rewardOrder(shop, { orderId: "1", ambassadorId: amb.id, netCents: 4_000, processedAt: T0 }, "refund:1", after(40));
    await expectSame();
    expect((await rewardBalances(shop)).get(amb.id)).toMatchObject({ approvedCents: -600, paidCents: 1_100 });
    await rewardOrder(shop, { orderId: "4", ambassadorId: amb.id, netCents: 30_000, processedAt: after(41) }, "order:4:1", after(41));
    await matureRewards(shop, after(80));
    const second = await createPayouts(shop, { method: "discount_code" });
    expect(second.created.map((p) => p.amountCents)).toContain(3_100 - 600);
    await expectSame();
    await prisma.rewardEntry.updateMany({ where: { shop, payoutId: second.created[0].id }, data: { payoutId: null } });
    await expectSame();

    // The shop's ledger erased: no balance left behind.
    await prisma.rewardEntry.deleteMany({ where: { shop } });
    expect((await rewardBalances(shop)).size).toBe(0);
  });

  it("are paged in the database, largest approved first, with the same figures and nothing of another shop", async () => {
    const shop = newShop("rw-balance-pages");
    const otherShop = newShop("rw-balance-other");
    const entry = (s: string, ambassadorId: string, key: string, status: string, cents: number, payoutId: string | null = null) => ({
      shop: s, ambassadorId, sourceKey: key, kind: "commission", status, amountCents: BigInt(cents), payoutId,
    });
    // 60 ambassadors with approved balances 100..6,000, one with a pending reward only, one
    // paid and in a payout, one whose rewards were all voided (no balance at all).
    const rows = Array.from({ length: 60 }, (_, i) => entry(shop, `a${String(i).padStart(2, "0")}`, `o${i}`, "approved", (i + 1) * 100));
    rows.push(entry(shop, "a60", "p1", "approved", -250), entry(shop, "a60", "p2", "pending", 900));
    rows.push(entry(shop, "pendingOnly", "p3", "pending", 5_000));
    rows.push(entry(shop, "paidOne", "p4", "paid", 700, "payout-1"), entry(shop, "paidOne", "p5", "approved", 300, "payout-2"));
    rows.push(entry(shop, "voided", "p6", "void", 1_000));
    rows.push(entry(otherShop, "a59", "x1", "approved", 1_000_000));
    await prisma.rewardEntry.createMany({ data: rows });

    const first = await rewardBalancePage(shop);
    expect(first).toMatchObject({ page: 1, pageCount: 2, total: 63 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]).toEqual({ ambassadorId: "a59", pendingCents: 0, approvedCents: 6_000, inPayoutCents: 0, paidCents: 0 });
    expect(first.rows.map((r) => r.ambassadorId).slice(0, 3)).toEqual(["a59", "a58", "a57"]);

    const second = await rewardBalancePage(shop, { page: 2 });
    expect(second.rows.map((r) => r.ambassadorId)).toEqual([
      "a09", "a08", "a07", "a06", "a05", "a04", "a03", "a02", "a01", "a00",
      // Nothing approved: the pending one first, then the one whose rewards are in payouts
      // and paid, then the one whose refund left the approved balance below zero.
      "pendingOnly", "paidOne", "a60",
    ]);
    // The same figures as the per-ambassador balances the payouts and the CSV use.
    const all = await rewardBalances(shop);
    for (const row of [...first.rows, ...second.rows]) expect(row).toEqual(all.get(row.ambassadorId));
    expect(all.has("voided")).toBe(false);
    // A page past the end shows the last one.
    expect((await rewardBalancePage(shop, { page: 99 })).page).toBe(2);
  });
});
