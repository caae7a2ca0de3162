/**
 * The reward ledger (issue 5, see docs/issue-5-design.md). Attribution calls
 * `applyAttributionChange` inside its transaction whenever an order's AttributedOrder row
 * may have changed; this appends at most one RewardEntry per (cause, order, ambassador)
 * with the difference between what the ambassador should have earned for the order now and
 * what the ledger already records for it. Redeliveries add nothing (the key is unique) and
 * causes applied in any order converge on the same balance (each appends target − recorded).
 *
 * Rules:
 * - target = round(net × rate) + flat per order, where rate and flat are frozen the first
 *   time the order is rewarded (rate = the ambassador's tier rate then, else the program's);
 *   0 for self-referrals, cancelled orders and orders with no net sales left (fully
 *   refunded), and for an ambassador the order is no longer attributed to.
 * - While the order is in its hold (processedAt + holdDays, also frozen at the first
 *   reward) entries are "pending". If the target drops to 0 and everything recorded is
 *   still pending, those entries are voided instead of appending a negative one.
 * - After the hold, a change is "approved": a refund after approval or payout is an
 *   approved negative adjustment that the next payout nets out (clawback). If the order's
 *   entries are still waiting for the maturation job, the change joins them as pending.
 * - Tiers and milestones are re-evaluated for every ambassador touched (see tiers.server.ts).
 *
 * Never calls Shopify: what needs Shopify afterwards (tier tags) is returned so the caller
 * can enqueue it once its transaction has committed (`afterRewardChange`).
 */
import type { Prisma } from "@prisma/client";
import { evaluateStanding, type StandingChange } from "./tiers.server";
import { getRewardSettingsIn } from "./RewardSettings.server";
import { recordRewardsEarned } from "../ProgramEvents/moments.server";

export interface RewardChange {
  /** RewardEntry rows appended (commission, adjustment, milestone). */
  entriesCreated: number;
  /** Entries voided (refunded or cancelled inside the hold). */
  entriesVoided: number;
  /** Ambassadors whose ledger or standing was looked at. */
  ambassadorIds: string[];
  /** Ambassadors whose tier tag in Shopify must change: enqueue the tier tag job. */
  tierTagChanges: string[];
  /** Milestone bonus entries created (sourceKeys). */
  milestonesAwarded: string[];
}

export const ORDER_ENTRY_KINDS = ["commission", "adjustment"] as const;

/** Terms frozen on an order's first entry (its basisPoints, flatCents and holdUntil). */
interface Terms {
  basisPoints: number;
  flatCents: number;
  holdUntil: Date;
}

function termsOf(entry: { basisPoints: number | null; flatCents: bigint | null; holdUntil: Date | null }): Terms | null {
  if (entry.basisPoints === null || entry.flatCents === null || entry.holdUntil === null) return null;
  return { basisPoints: entry.basisPoints, flatCents: Number(entry.flatCents), holdUntil: entry.holdUntil };
}

/** round-half-up(net × bp / 10000) + flat, in minor units. */
export function orderReward(netCents: number, basisPoints: number, flatCents: number): number {
  if (netCents <= 0) return 0;
  const commission = (BigInt(netCents) * BigInt(basisPoints) * 2n + 10000n) / 20000n;
  return Number(commission) + flatCents;
}

/** The order counts towards rewards, tiers and milestones. */
export function orderEarns(row: { selfReferral: boolean; cancelledAt: Date | null; netCents: bigint | number }) {
  return !row.selfReferral && row.cancelledAt === null && Number(row.netCents) > 0;
}

/**
 * `cause` names the Shopify event (the entries' sourceKeys start with it); several
 * orders changed by different events at once (the webhook inbox's batch) pass one cause
 * per order. Lookups and appends go set-wise for all the orders of the call.
 */
export async function applyAttributionChange(
  tx: Prisma.TransactionClient,
  shop: string,
  orderIds: string[],
  cause: string | ((orderId: string) => string),
  now: Date = new Date()
): Promise<RewardChange> {
  const causeOf = typeof cause === "string" ? () => cause : cause;
  const change: RewardChange = {
    entriesCreated: 0,
    entriesVoided: 0,
    ambassadorIds: [],
    tierTagChanges: [],
    milestonesAwarded: [],
  };
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return change;

  const settings = await getRewardSettingsIn(tx, shop);
  const attributed = await tx.attributedOrder.findMany({ where: { shop, orderId: { in: ids } } });
  const byOrder = new Map(attributed.map((row) => [row.orderId, row]));
  const entries = await tx.rewardEntry.findMany({
    where: { shop, orderId: { in: ids }, kind: { in: [...ORDER_ENTRY_KINDS] } },
    orderBy: { createdAt: "asc" },
  });

  // The rate each ambassador earns on orders rewarded for the first time now: their
  // tier's as it stands before this change (the order that crosses a threshold still
  // earns the old rate; later orders the new one).
  const ambassadorIds = new Set<string>();
  for (const row of attributed) ambassadorIds.add(row.ambassadorId);
  for (const entry of entries) ambassadorIds.add(entry.ambassadorId);
  const standings = await tx.ambassadorTier.findMany({
    where: { shop, ambassadorId: { in: [...ambassadorIds] }, tierId: { not: null } },
  });
  const tierIds = [...new Set(standings.map((s) => s.tierId!))];
  const tiers = tierIds.length > 0 ? await tx.rewardTier.findMany({ where: { shop, id: { in: tierIds } } }) : [];
  const tierRate = new Map(tiers.map((tier) => [tier.id, tier.commissionBasisPoints]));
  const rateOf = new Map(
    standings.map((s) => [s.ambassadorId, tierRate.get(s.tierId!) ?? settings.commissionBasisPoints])
  );

  // What each (order, ambassador) is owed beyond what is recorded, planned first so that
  // the causes already applied are found with one query.
  const entriesOf = new Map<string, typeof entries>();
  for (const entry of entries) {
    const list = entriesOf.get(entry.orderId as string);
    if (list) list.push(entry);
    else entriesOf.set(entry.orderId as string, [entry]);
  }
  const plans: {
    orderId: string;
    ambassadorId: string;
    row: (typeof attributed)[number] | undefined;
    live: typeof entries;
    mine: typeof entries;
    isCurrent: boolean;
    terms: Terms | null;
    target: number;
    delta: number;
    sourceKey: string;
  }[] = [];
  for (const orderId of ids) {
    const row = byOrder.get(orderId);
    const orderEntries = entriesOf.get(orderId) ?? [];
    const owners = new Set(orderEntries.map((e) => e.ambassadorId));
    if (row) owners.add(row.ambassadorId);

    for (const ambassadorId of owners) {
      const mine = orderEntries.filter((e) => e.ambassadorId === ambassadorId);
      const live = mine.filter((e) => e.status !== "void");
      const isCurrent = row?.ambassadorId === ambassadorId;
      const terms =
        mine.map(termsOf).find((t): t is Terms => t !== null) ??
        (row
          ? {
              basisPoints: rateOf.get(ambassadorId) ?? settings.commissionBasisPoints,
              flatCents: settings.flatRewardCents,
              holdUntil: new Date(row.processedAt.getTime() + settings.holdDays * 86_400_000),
            }
          : null);
      const target =
        isCurrent && row && terms && orderEarns(row)
          ? orderReward(Number(row.netCents), terms.basisPoints, terms.flatCents)
          : 0;
      const recorded = live.reduce((sum, e) => sum + Number(e.amountCents), 0);
      const delta = target - recorded;
      if (delta === 0) continue;

      const sourceKey = isCurrent ? `${causeOf(orderId)}:${orderId}` : `${causeOf(orderId)}:${orderId}:${ambassadorId}`;
      plans.push({ orderId, ambassadorId, row, live, mine, isCurrent, terms, target, delta, sourceKey });
    }
  }

  const seen = new Set(
    plans.length === 0
      ? []
      : (
          await tx.rewardEntry.findMany({
            where: { shop, sourceKey: { in: plans.map((plan) => plan.sourceKey) } },
            select: { sourceKey: true },
          })
        ).map((entry) => entry.sourceKey)
  );
  const created: Prisma.RewardEntryCreateManyInput[] = [];
  for (const { orderId, ambassadorId, row, live, mine, isCurrent, terms, target, delta, sourceKey } of plans) {
    if (seen.has(sourceKey)) continue; // this cause was applied already

    const holdUntil = terms?.holdUntil ?? now;
    const inHold = now < holdUntil;
    const anyPending = live.some((e) => e.status === "pending");
    const allPending = live.length > 0 && live.every((e) => e.status === "pending");

    if (target === 0 && allPending) {
      // Refunded or cancelled before the hold ended: nothing was ever owed.
      const voided = await tx.rewardEntry.updateMany({
        where: { shop, id: { in: live.map((e) => e.id) }, status: "pending" },
        data: { status: "void" },
      });
      change.entriesVoided += voided.count;
      continue;
    }

    const kind = live.length === 0 && mine.length === 0 && delta > 0 ? "commission" : "adjustment";
    const reason = !isCurrent
      ? "order no longer attributed"
      : target === 0
        ? row?.selfReferral
          ? "self-referral"
          : row?.cancelledAt
            ? "order cancelled"
            : "order fully refunded"
        : delta < 0
          ? "order reduced or refunded"
          : kind === "commission"
            ? "order reward"
            : "order changed";
    created.push({
      shop,
      ambassadorId,
      orderId,
      sourceKey,
      kind,
      amountCents: BigInt(delta),
      status: inHold || anyPending ? "pending" : "approved",
      holdUntil,
      basisPoints: terms?.basisPoints ?? null,
      flatCents: terms ? BigInt(terms.flatCents) : null,
      note: reason,
    });
  }
  if (created.length > 0) change.entriesCreated += (await tx.rewardEntry.createMany({ data: created })).count;
  if (created.length > 0) await recordRewardsEarned(tx, shop, created);

  change.ambassadorIds = [...ambassadorIds];
  if (ambassadorIds.size > 0) {
    const standing: StandingChange = await evaluateStanding(tx, shop, [...ambassadorIds], { now });
    change.entriesCreated += standing.milestonesAwarded.length;
    change.milestonesAwarded = standing.milestonesAwarded;
    change.tierTagChanges = standing.tierTagChanges;
  }
  return change;
}
