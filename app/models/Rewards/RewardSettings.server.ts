/**
 * The shop's reward rules (RewardSettings): commission, flat reward per order, hold,
 * default payout method, and the leak thresholds the fraud checks read.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";

import { PAYOUT_METHODS, type PayoutMethod } from "./payout-kinds";

export { PAYOUT_METHODS, type PayoutMethod };

export interface RewardSettingsValues {
  commissionBasisPoints: number;
  flatRewardCents: number;
  holdDays: number;
  payoutMethod: PayoutMethod;
  leakOrdersPerDay: number;
  leakAutoPause: boolean;
}

export const DEFAULT_REWARD_SETTINGS: RewardSettingsValues = {
  commissionBasisPoints: 1000,
  flatRewardCents: 0,
  holdDays: 30,
  payoutMethod: "cash",
  leakOrdersPerDay: 20,
  leakAutoPause: false,
};

type Db = Prisma.TransactionClient | typeof prisma;

/** The shop's settings, or the defaults when it never saved any. Works inside a transaction. */
export async function getRewardSettingsIn(db: Db, shop: string): Promise<RewardSettingsValues> {
  const row = await db.rewardSettings.findUnique({ where: { shop } });
  if (!row) return { ...DEFAULT_REWARD_SETTINGS };
  return {
    commissionBasisPoints: row.commissionBasisPoints,
    flatRewardCents: Number(row.flatRewardCents),
    holdDays: row.holdDays,
    payoutMethod: (PAYOUT_METHODS as readonly string[]).includes(row.payoutMethod)
      ? (row.payoutMethod as PayoutMethod)
      : "cash",
    leakOrdersPerDay: row.leakOrdersPerDay,
    leakAutoPause: row.leakAutoPause,
  };
}

export function getRewardSettings(shop: string) {
  return getRewardSettingsIn(prisma, shop);
}
