/**
 * The inbox processor as a job, one per shop: enqueued after each inbox commit that
 * stored the shop's deliveries (a run already going runs once more, so nothing stored
 * after it looked is left behind), and at boot for whatever a restart left unapplied.
 */
import { processWebhookInbox } from "../models/Attribution/inbox-processing.server";
import { pruneProcessedDeliveries, shopsWithPendingDeliveries } from "../models/WebhookInbox/WebhookInbox.server";
import { enqueueJob, periodicJob, type JobDefinition } from "./runner.server";

export const webhookInboxJob: JobDefinition<{ shop: string }> = {
  name: "webhook-inbox",
  key: ({ shop }) => shop,
  async run({ shop }) {
    await processWebhookInbox(shop);
  },
};

let held = false;

/**
 * Tests only: stored deliveries are not applied until released (a crash between the
 * acknowledgement and the processing, without killing the test process).
 */
export function holdWebhookInboxForTests(hold: boolean) {
  held = hold;
}

/** Applies the shop's waiting deliveries soon. Returns at once. */
export function enqueueWebhookInbox(shop: string) {
  if (!held) void enqueueJob(webhookInboxJob, { shop });
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
  for (const shop of shops) void enqueueJob(webhookInboxJob, { shop });
  void pruneProcessedDeliveries().catch((error) => console.error("Could not prune the webhook inbox", error));
  return shops;
}
