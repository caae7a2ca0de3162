/**
 * Maturation: pending reward entries whose hold has ended become "approved", or "void"
 * when the order no longer earns (cancelled, fully refunded, self-referral, no longer
 * attributed to that ambassador; the attribution change usually voided them already).
 * An order's pending entries are decided together, so a pending reward and the pending
 * refund adjustment against it are approved or voided as one. A milestone bonus is
 * approved if the ambassador still meets the milestone, else voided (re-armed if they
 * cross it again, see tiers.server.ts).
 */
import prisma from "../../db.server";
import { orderEarns } from "./Rewards.server";
import { earningTotals, meetsThresholds } from "./tiers.server";
import { recordRewardsApproved } from "../ProgramEvents/moments.server";

export interface MaturationResult {
  approved: number;
  voided: number;
  tierTagChanges: string[];
}

const BATCH = 500;

/** Pending entries of the shop whose hold has ended (the testable "what is due"). */
export function dueMaturations(shop: string, now: Date, take = BATCH) {
  return prisma.rewardEntry.findMany({
    where: { shop, status: "pending", holdUntil: { lte: now } },
    orderBy: { holdUntil: "asc" },
    take,
  });
}

export async function shopsWithDueMaturations(now: Date): Promise<string[]> {
  const rows = await prisma.rewardEntry.findMany({
    where: { status: "pending", holdUntil: { lte: now } },
    distinct: ["shop"],
    select: { shop: true },
  });
  return rows.map((row) => row.shop);
}

export async function matureRewards(shop: string, now: Date = new Date()): Promise<MaturationResult> {
  const result: MaturationResult = { approved: 0, voided: 0, tierTagChanges: [] };
  for (;;) {
    const due = await dueMaturations(shop, now);
    if (due.length === 0) return result;
    await prisma.$transaction(async (tx) => {
      const orderIds = [...new Set(due.flatMap((e) => (e.orderId ? [e.orderId] : [])))];
      const orders = new Map(
        (await tx.attributedOrder.findMany({ where: { shop, orderId: { in: orderIds } } })).map((o) => [o.orderId, o])
      );
      const milestoneEntries = due.filter((e) => e.kind === "milestone");
      const milestoneIds = [...new Set(milestoneEntries.map((e) => e.sourceKey.split(":")[1]))];
      const milestones = new Map(
        (await tx.rewardMilestone.findMany({ where: { shop, id: { in: milestoneIds } } })).map((m) => [m.id, m])
      );
      const totals = await earningTotals(tx, shop, [...new Set(milestoneEntries.map((e) => e.ambassadorId))]);

      const approve: string[] = [];
      const voidIds: string[] = [];
      const groups = new Set<string>();
      for (const entry of due) {
        if (entry.orderId) {
          const order = orders.get(entry.orderId);
          const earns = order && order.ambassadorId === entry.ambassadorId && orderEarns(order);
          (earns ? approve : voidIds).push(entry.id);
          groups.add(`${entry.orderId}\u0000${entry.ambassadorId}`);
        } else if (entry.kind === "milestone") {
          const milestone = milestones.get(entry.sourceKey.split(":")[1]);
          const still = !milestone || meetsThresholds(milestone, totals.get(entry.ambassadorId)!);
          (still ? approve : voidIds).push(entry.id);
        } else {
          approve.push(entry.id);
        }
      }
      // Pending entries of the same orders whose own holdUntil is later (none in practice,
      // as an order's entries share its hold) are decided with them.
      for (const key of groups) {
        const [orderId, ambassadorId] = key.split("\u0000");
        const order = orders.get(orderId);
        const earns = order && order.ambassadorId === ambassadorId && orderEarns(order);
        const rest = await tx.rewardEntry.findMany({
          where: { shop, orderId, ambassadorId, status: "pending", id: { notIn: [...approve, ...voidIds] } },
          select: { id: true },
        });
        (earns ? approve : voidIds).push(...rest.map((r) => r.id));
      }
      if (approve.length) {
        result.approved += (
          await tx.rewardEntry.updateMany({ where: { shop, id: { in: approve }, status: "pending" }, data: { status: "approved" } })
        ).count;
        await recordRewardsApproved(tx, shop, approve);
      }
      if (voidIds.length) {
        result.voided += (
          await tx.rewardEntry.updateMany({ where: { shop, id: { in: voidIds }, status: "pending" }, data: { status: "void" } })
        ).count;
      }
    });
  }
}
