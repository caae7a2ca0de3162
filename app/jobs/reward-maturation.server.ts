/**
 * Reward jobs that keep the ledger and tiers current: maturation (pending → approved after
 * the hold, daily and on demand) and the tier tag sync (after a reward change moved an
 * ambassador between tiers).
 */
import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import type { RewardChange } from "../models/Rewards/Rewards.server";
import { matureRewards, shopsWithDueMaturations } from "../models/Rewards/Maturation.server";
import { syncTierTags, tierTagsOutOfDate } from "../models/Rewards/TierTags.server";
import { enqueueGifts } from "./gifts.server";
import { enqueueJob, periodicJob, type JobDefinition } from "./runner.server";

export const tierTagJob: JobDefinition<{ shop: string }> = {
  name: "reward-tier-tags",
  key: ({ shop }) => shop,
  async run({ shop }) {
    const { admin } = await unauthenticated.admin(shop);
    await syncTierTags(admin.graphql, shop);
    // A tier reached may send a gift.
    enqueueGifts(shop);
  },
};

export const maturationJob: JobDefinition<{ shop: string }> = {
  name: "reward-maturation",
  key: ({ shop }) => shop,
  async run({ shop }) {
    const result = await matureRewards(shop, new Date());
    if (result.tierTagChanges.length > 0) void enqueueJob(tierTagJob, { shop });
    // A milestone bonus just approved may send a gift.
    if (result.approved > 0) enqueueGifts(shop);
  },
};

export function enqueueTierTags(shop: string) {
  void enqueueJob(tierTagJob, { shop });
}

/** Matures the shop's due rewards now (the "Approve due rewards" button). */
export function enqueueMaturation(shop: string) {
  return enqueueJob(maturationJob, { shop });
}

/**
 * Call after the transaction that called `applyAttributionChange` has committed, with
 * what it returned: enqueues the Shopify side (tier tags). Returns at once.
 */
export function enqueueRewardFollowUps(shop: string, change: Pick<RewardChange, "tierTagChanges">) {
  if (change.tierTagChanges.length > 0) enqueueTierTags(shop);
}


/** Every shop with pending rewards past their hold: mature them. */
export async function runDueMaturations(now = new Date()) {
  const shops = await shopsWithDueMaturations(now);
  await Promise.all(shops.map((shop) => enqueueMaturation(shop)));
  return shops;
}

/** The daily maturation of every shop, as a job (the queue's schedule runs it). */
export const dailyMaturationJob = periodicJob("reward-maturation-daily", "daily", runDueMaturations);
export const DAILY_MATURATION_CRON = "15 3 * * *";

/**
 * After a restart: mature what came due while the app was down and re-sync tier tags that
 * are out of date (from then on the queue's schedule runs `dailyMaturationJob`).
 */
export async function recoverRewards() {
  void runDueMaturations().catch((error) => console.error("Reward maturation failed", error));
  const shops = await prisma.ambassadorTier.findMany({ distinct: ["shop"], select: { shop: true } });
  for (const { shop } of shops) {
    if ((await tierTagsOutOfDate(shop)).length > 0) enqueueTierTags(shop);
  }
}
