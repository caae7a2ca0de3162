/**
 * The events of moments that need a lookup or a choice before they are recorded, so that
 * the models where the moments happen call one function. Each runs in the caller's
 * transaction.
 */
import type { Prisma } from "@prisma/client";
import { recordProgramEvents, type AnyProgramEventInput } from "./ProgramEvents.server";

type Db = Prisma.TransactionClient;

/** New commission entries (the first reward of an order for an ambassador). */
export function recordRewardsEarned(db: Db, shop: string, created: Prisma.RewardEntryCreateManyInput[]) {
  const events: AnyProgramEventInput[] = created
    .filter((entry) => entry.kind === "commission" && Number(entry.amountCents) > 0)
    .map((entry) => ({
      kind: "reward_earned",
      subject: entry.sourceKey,
      ambassadorId: entry.ambassadorId,
      data: { amountCents: Number(entry.amountCents), orderId: entry.orderId ?? null },
    }));
  return recordProgramEvents(db, shop, events);
}

/**
 * Entries just approved by maturation, one event per order (its reward net of adjustments
 * approved with it) or milestone bonus, when positive.
 */
export async function recordRewardsApproved(db: Db, shop: string, entryIds: string[]) {
  if (entryIds.length === 0) return;
  const entries = await db.rewardEntry.findMany({
    where: { shop, id: { in: entryIds }, status: "approved" },
    select: { ambassadorId: true, orderId: true, sourceKey: true, amountCents: true },
  });
  const groups = new Map<string, { ambassadorId: string; amountCents: number }>();
  for (const entry of entries) {
    const subject = entry.orderId ? `${entry.orderId}:${entry.ambassadorId}` : entry.sourceKey;
    const group = groups.get(subject) ?? { ambassadorId: entry.ambassadorId, amountCents: 0 };
    group.amountCents += Number(entry.amountCents);
    groups.set(subject, group);
  }
  const events: AnyProgramEventInput[] = [...groups]
    .filter(([, group]) => group.amountCents > 0)
    .map(([subject, group]) => ({
      kind: "reward_approved",
      subject,
      ambassadorId: group.ambassadorId,
      data: { amountCents: group.amountCents },
    }));
  await recordProgramEvents(db, shop, events);
}

/** Payouts just marked paid. */
export async function recordPayoutsSent(db: Db, shop: string, payoutIds: string[]) {
  const payouts = await db.payout.findMany({
    where: { shop, id: { in: payoutIds }, status: "paid" },
    select: { id: true, ambassadorId: true, amountCents: true, method: true },
  });
  await recordProgramEvents(
    db,
    shop,
    payouts.map((payout) => ({
      kind: "payout_sent",
      subject: payout.id,
      ambassadorId: payout.ambassadorId,
      data: { amountCents: Number(payout.amountCents), method: payout.method },
    })),
  );
}

/**
 * Orders attributed for the first time: the first earning order of an ambassador who had
 * none attributed before fires "first order" (once: the key is the ambassador).
 */
export async function recordFirstOrders(
  db: Db,
  shop: string,
  created: Array<{ orderId: string; ambassadorId: string; selfReferral?: boolean; processedAt: Date | string }>,
) {
  const earning = created.filter((order) => !order.selfReferral).sort((a, b) => new Date(a.processedAt).getTime() - new Date(b.processedAt).getTime());
  if (earning.length === 0) return;
  const ambassadorIds = [...new Set(earning.map((order) => order.ambassadorId))];
  const earlier = await db.attributedOrder.findMany({
    where: { shop, ambassadorId: { in: ambassadorIds }, orderId: { notIn: created.map((order) => order.orderId) } },
    distinct: ["ambassadorId"],
    select: { ambassadorId: true },
  });
  const hadOrders = new Set(earlier.map((row) => row.ambassadorId));
  const firsts = new Map<string, string>();
  for (const order of earning) {
    if (!hadOrders.has(order.ambassadorId) && !firsts.has(order.ambassadorId)) firsts.set(order.ambassadorId, order.orderId);
  }
  await recordProgramEvents(
    db,
    shop,
    [...firsts].map(([ambassadorId, orderId]) => ({
      kind: "first_attributed_order",
      subject: ambassadorId,
      ambassadorId,
      data: { orderId },
    })),
  );
}

type TierLike = { id: string; name: string; minSalesCents: bigint | number; minOrders: number; commissionBasisPoints: number };

/**
 * The ambassador moved from `previousTierId` to `tier`: an event when it is a move up
 * (`ranked`: the shop's tiers, lowest first), once per tier and ambassador.
 */
export async function recordTierReached(
  db: Db,
  shop: string,
  ambassadorId: string,
  previousTierId: string | null,
  tier: TierLike | null,
  rankedTiers: TierLike[],
) {
  if (!tier || tier.id === previousTierId) return;
  const ranked = rankedTiers.map((t) => t.id);
  if (previousTierId && ranked.indexOf(previousTierId) >= ranked.indexOf(tier.id)) return;
  await recordProgramEvents(db, shop, [
    {
      kind: "tier_reached",
      subject: `${tier.id}:${ambassadorId}`,
      ambassadorId,
      data: { tierName: tier.name, commissionBasisPoints: tier.commissionBasisPoints },
    },
  ]);
}
