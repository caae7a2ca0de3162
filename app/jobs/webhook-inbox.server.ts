/**
 * The webhook inbox's job, one per shop: applies the deliveries the webhook routes stored
 * (app/models/WebhookInbox/), then does what they asked for that calls Shopify or another
 * job. Sent after each stored delivery (a run already going runs once more, so nothing
 * stored after it looked is left behind), and at boot for whatever a restart left.
 */
import { unauthenticated } from "../shopify.server";
import { applyInboxBatch, repairDeliveries } from "../models/WebhookInbox/processing.server";
import type { FollowUps } from "../models/WebhookInbox/topics.server";
import { pruneProcessedDeliveries, shopsWithPendingDeliveries } from "../models/WebhookInbox/WebhookInbox.server";
import { pauseLeakedAmbassadors } from "../models/Fraud/auto-pause.server";
import { wakeHistorySync } from "../models/OrderHistory/OrderHistorySync.server";
import { enqueueProvisioning } from "./ambassador-provisioning.server";
import { enqueueRewardFollowUps } from "./reward-maturation.server";
import { enqueueJob, periodicJob, type JobDefinition } from "./runner.server";

export const webhookInboxJob: JobDefinition<{ shop: string }> = {
  name: "webhook-inbox",
  key: ({ shop }) => shop,
  async run({ shop }) {
    for (let batch = await applyInboxBatch(shop); batch; batch = await applyInboxBatch(shop)) {
      await afterCommit(shop, batch.followUps);
      if (batch.rereads.length > 0) {
        await afterCommit(shop, await repairDeliveries(shop, batch.rereads, () => adminGraphql(shop)));
      }
    }
  },
};

async function adminGraphql(shop: string) {
  const { admin } = await unauthenticated.admin(shop);
  return admin.graphql;
}

async function afterCommit(shop: string, followUps: FollowUps) {
  enqueueRewardFollowUps(shop, followUps);
  for (const syncId of followUps.historySyncsToWake) wakeHistorySync(syncId);
  if (followUps.ambassadorsToPause.length === 0) return;
  try {
    // Provisioning switches the paused ambassadors' codes off in Shopify.
    const paused = await pauseLeakedAmbassadors(shop, followUps.ambassadorsToPause);
    if (paused.length > 0) enqueueProvisioning(shop);
  } catch (error) {
    // The deliveries are applied and the flags exist; the merchant sees the flag and can pause.
    console.error(`Could not pause leaked codes for ${shop}`, error);
  }
}

/** Applies the shop's stored deliveries soon. Returns at once. */
export function applyDeliveriesSoon(shop: string) {
  void enqueueJob(webhookInboxJob, { shop });
}

/** Resolves once everything stored for the shop so far has been applied (tests, tools). */
export function drainWebhookInbox(shop: string): Promise<void> {
  return enqueueJob(webhookInboxJob, { shop });
}

/** The daily prune of old delivery ids, as a job (the queue's schedule runs it). */
export const webhookInboxPruneJob = periodicJob("webhook-inbox-prune", "daily", () => pruneProcessedDeliveries());
export const WEBHOOK_INBOX_PRUNE_CRON = "30 3 * * *";

/** After a restart: apply what was acknowledged but not applied, and prune old ids now. */
export async function recoverWebhookInbox() {
  const shops = await shopsWithPendingDeliveries();
  for (const shop of shops) applyDeliveriesSoon(shop);
  void pruneProcessedDeliveries().catch((error) => console.error("Could not prune the webhook inbox", error));
  return shops;
}
