/**
 * Every job definition, so that each process works the queue for all of them (an instance
 * runs jobs other instances sent), and the periodic ones with
 * their schedule (cron, UTC). A new job definition belongs here.
 */
import { provisioningJob } from "./ambassador-provisioning.server";
import { giftJob } from "./gifts.server";
import { historySyncJob } from "./history-sync.server";
import { metricsJob } from "./metrics.server";
import {
  reconciliationJob,
  reconciliationScheduleJob,
  RECONCILIATION_SCHEDULE_CRON,
} from "./reconciliation.server";
import { dailyMaturationJob, DAILY_MATURATION_CRON, maturationJob, tierTagJob } from "./reward-maturation.server";
import { payoutJob } from "./reward-payouts.server";
import { programEventDeliveryJob, programEventSweepJob, PROGRAM_EVENT_SWEEP_CRON } from "./program-events.server";
import { webhookInboxJob, webhookInboxPruneJob, WEBHOOK_INBOX_PRUNE_CRON } from "./webhook-inbox.server";

export const periodicJobs = [
  { definition: reconciliationScheduleJob, cron: RECONCILIATION_SCHEDULE_CRON },
  { definition: dailyMaturationJob, cron: DAILY_MATURATION_CRON },
  { definition: webhookInboxPruneJob, cron: WEBHOOK_INBOX_PRUNE_CRON },
  { definition: programEventSweepJob, cron: PROGRAM_EVENT_SWEEP_CRON },
];

export const allJobDefinitions = [
  historySyncJob,
  provisioningJob,
  giftJob,
  maturationJob,
  tierTagJob,
  payoutJob,
  reconciliationJob,
  metricsJob,
  webhookInboxJob,
  programEventDeliveryJob,
  ...periodicJobs.map((job) => job.definition),
];
