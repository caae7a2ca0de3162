import { recoverHistorySyncs } from "./history-sync.server";
import { recoverProvisioning } from "./ambassador-provisioning.server";
import { recoverRewards } from "./reward-maturation.server";
import { recoverPayouts } from "./reward-payouts.server";
import { recoverReconciliations, startReconciliationSchedule } from "./reconciliation.server";
import { recoverWebhookInbox } from "./webhook-inbox.server";
import { usesJobQueue } from "./runner.server";
import { scheduleJobs, startJobQueue, stopJobQueue } from "./queue.server";
import { periodicJobs } from "./all-jobs.server";

let started = false;

/**
 * Once per server process: resume the background work a restart interrupted. On
 * PostgreSQL this process also starts working the job queue (jobs sent by any instance)
 * and registers the periodic jobs on the queue's schedule; it stops gracefully on SIGTERM.
 */
export function startBackgroundJobs() {
  if (started) return;
  started = true;
  if (usesJobQueue()) {
    startJobQueue()
      .then(() => scheduleJobs(periodicJobs))
      .catch((error) => console.error("Could not start the job queue", error));
    process.once("SIGTERM", () => {
      void stopJobQueue().finally(() => process.exit(0));
    });
  }
  recoverHistorySyncs().catch((error) => console.error("Could not resume history syncs", error));
  recoverProvisioning().catch((error) => console.error("Could not resume ambassador provisioning", error));
  recoverRewards().catch((error) => console.error("Could not resume reward maturation and tier tags", error));
  recoverPayouts().catch((error) => console.error("Could not resume reward payouts", error));
  recoverReconciliations().catch((error) => console.error("Could not resume reconciliations", error));
  recoverWebhookInbox().catch((error) => console.error("Could not resume the webhook inbox", error));
  startReconciliationSchedule();
}
