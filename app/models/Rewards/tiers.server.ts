/**
 * Where an ambassador stands: tier and milestones, from their attributed orders that earn
 * (not self-referrals, not cancelled, with net sales left), all time.
 *
 * - Tier = the highest tier whose thresholds they meet. A tier's thresholds are its
 *   non-zero minimum sales and minimum orders (both must be met when both are set; a tier
 *   with neither is a base tier everyone is in). "Highest" = ranked by minimum sales, then
 *   minimum orders, then commission. Stored in AmbassadorTier; the tag Shopify has is
 *   `taggedAs`, reconciled by the tier tag job (TierTags.server.ts).
 * - Milestones: one bonus entry per (milestone, ambassador), `milestone:<id>:<ambassadorId>`.
 *   It is pending until the hold of the ambassador's latest earning order (the order that
 *   crossed it, in the usual case) ends; the maturation job then approves it if the
 *   ambassador still meets the milestone, or voids it (refunds took them back below); a
 *   voided milestone is re-armed (pending again) when they cross it again, so it is paid
 *   at most once.
 */
import type { Prisma, RewardMilestone, RewardTier } from "@prisma/client";
import { getRewardSettingsIn } from "./RewardSettings.server";
import { recordProgramEvent } from "../ProgramEvents/ProgramEvents.server";
import { recordTierReached } from "../ProgramEvents/moments.server";

export interface StandingChange {
  tierTagChanges: string[];
  milestonesAwarded: string[];
}

export interface Totals {
  salesCents: number;
  orders: number;
  lastProcessedAt: Date | null;
}

type Thresholds = { minSalesCents: bigint | number; minOrders: number };

export function meetsThresholds(t: Thresholds, totals: Totals): boolean {
  const sales = Number(t.minSalesCents);
  if (sales <= 0 && t.minOrders <= 0) return true;
  return (sales <= 0 || totals.salesCents >= sales) && (t.minOrders <= 0 || totals.orders >= t.minOrders);
}

export function rankTiers<T extends Thresholds & { commissionBasisPoints: number; id: string }>(tiers: T[]): T[] {
  return [...tiers].sort(
    (a, b) =>
      Number(a.minSalesCents) - Number(b.minSalesCents) ||
      a.minOrders - b.minOrders ||
      a.commissionBasisPoints - b.commissionBasisPoints ||
      a.id.localeCompare(b.id)
  );
}

/** The highest tier whose thresholds are met, or null. */
export function pickTier<T extends Thresholds & { commissionBasisPoints: number; id: string }>(
  tiers: T[],
  totals: Totals
): T | null {
  let best: T | null = null;
  for (const tier of rankTiers(tiers)) if (meetsThresholds(tier, totals)) best = tier;
  return best;
}

/** Earning totals per ambassador (all time). */
export async function earningTotals(
  tx: Prisma.TransactionClient,
  shop: string,
  ambassadorIds: string[]
): Promise<Map<string, Totals>> {
  const totals = new Map<string, Totals>();
  for (const id of ambassadorIds) totals.set(id, { salesCents: 0, orders: 0, lastProcessedAt: null });
  if (ambassadorIds.length === 0) return totals;
  const groups = await tx.attributedOrder.groupBy({
    by: ["ambassadorId"],
    where: { shop, ambassadorId: { in: ambassadorIds }, selfReferral: false, cancelledAt: null, netCents: { gt: 0 } },
    _sum: { netCents: true },
    _count: { _all: true },
    _max: { processedAt: true },
  });
  for (const group of groups) {
    totals.set(group.ambassadorId, {
      salesCents: Number(group._sum.netCents ?? 0),
      orders: group._count._all,
      lastProcessedAt: group._max.processedAt,
    });
  }
  return totals;
}

export async function evaluateStanding(
  tx: Prisma.TransactionClient,
  shop: string,
  ambassadorIds: string[],
  { now = new Date(), tiers, milestones }: { now?: Date; tiers?: RewardTier[]; milestones?: RewardMilestone[] } = {}
): Promise<StandingChange> {
  const result: StandingChange = { tierTagChanges: [], milestonesAwarded: [] };
  if (ambassadorIds.length === 0) return result;
  tiers ??= await tx.rewardTier.findMany({ where: { shop } });
  milestones ??= await tx.rewardMilestone.findMany({ where: { shop } });
  const totals = await earningTotals(tx, shop, ambassadorIds);
  const current = new Map(
    (await tx.ambassadorTier.findMany({ where: { shop, ambassadorId: { in: ambassadorIds } } })).map((row) => [
      row.ambassadorId,
      row,
    ])
  );
  const settings = milestones.length ? await getRewardSettingsIn(tx, shop) : null;

  for (const ambassadorId of ambassadorIds) {
    const mine = totals.get(ambassadorId)!;
    const tier = pickTier(tiers, mine);
    const existing = current.get(ambassadorId);
    const tierId = tier?.id ?? null;
    if (!existing) {
      if (tierId) await tx.ambassadorTier.create({ data: { shop, ambassadorId, tierId } });
    } else if (existing.tierId !== tierId) {
      await tx.ambassadorTier.update({
        where: { shop_ambassadorId: { shop, ambassadorId } },
        data: { tierId },
      });
    }
    await recordTierReached(tx, shop, ambassadorId, existing?.tierId ?? null, tier, rankTiers(tiers));
    const wantedTag = tier?.tag ?? null;
    if ((existing?.taggedAs ?? null) !== wantedTag) result.tierTagChanges.push(ambassadorId);

    if (!settings) continue;
    const holdUntil = mine.lastProcessedAt
      ? new Date(mine.lastProcessedAt.getTime() + settings.holdDays * 86_400_000)
      : now;
    for (const milestone of milestones) {
      if (Number(milestone.minSalesCents) <= 0 && milestone.minOrders <= 0) continue;
      if (!meetsThresholds(milestone, mine)) continue;
      const sourceKey = `milestone:${milestone.id}:${ambassadorId}`;
      const entry = await tx.rewardEntry.findUnique({ where: { shop_sourceKey: { shop, sourceKey } } });
      const status = holdUntil > now ? "pending" : "approved";
      if (!entry) {
        await tx.rewardEntry.create({
          data: {
            shop,
            ambassadorId,
            sourceKey,
            kind: "milestone",
            amountCents: milestone.bonusCents,
            status,
            holdUntil,
            note: `Milestone: ${milestone.name}`,
          },
        });
        result.milestonesAwarded.push(sourceKey);
        await recordProgramEvent(tx, shop, {
          kind: "milestone_reached",
          subject: `${milestone.id}:${ambassadorId}`,
          ambassadorId,
          data: { milestoneName: milestone.name, bonusCents: Number(milestone.bonusCents) },
        });
      } else if (entry.status === "void") {
        await tx.rewardEntry.update({ where: { id: entry.id }, data: { status, holdUntil } });
        result.milestonesAwarded.push(sourceKey);
      }
    }
  }
  return result;
}
