import { recoverHistorySyncs } from "./history-sync.server";
import { recoverProvisioning } from "./ambassador-provisioning.server";
import { recoverGifts } from "./gifts.server";
import { recoverRewards } from "./reward-maturation.server";
import { recoverPayouts } from "./reward-payouts.server";
import { recoverReconciliations } from "./reconciliation.server";
import { recoverWebhookInbox } from "./webhook-inbox.server";
import { runningJobCount, scheduleJobs, startJobQueue, stopJobQueue } from "./queue.server";
import { periodicJobs } from "./all-jobs.server";

let started = false;

/**
 * Once per server process: work the job queue (jobs sent by any instance), register the
 * periodic jobs on its schedule, and resume the background work a restart interrupted.
 * The queue stops gracefully on SIGTERM/SIGINT.
 */
export function startBackgroundJobs() {
  if (started) return;
  started = true;
  startJobQueue()
    .then(() => scheduleJobs(periodicJobs))
    .catch((error) => console.error("Could not start the job queue", error));
  // remix-serve closes the HTTP server on these; the queue stops too: running jobs get
  // 30 s, then go back to the queue for another instance, so this process must stop
  // working on them at once. Otherwise it ends when its requests are done (or 10 s
  // after the queue stopped, whatever still holds it).
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void stopBackgroundJobs().finally(() => {
        if (runningJobCount() > 0) process.exit(1);
        setTimeout(() => process.exit(0), 10_000).unref();
      });
    });
  }
  recoverHistorySyncs().catch((error) => console.error("Could not resume history syncs", error));
  recoverProvisioning().catch((error) => console.error("Could not resume ambassador provisioning", error));
  recoverGifts().catch((error) => console.error("Could not resume gift packages", error));
  recoverRewards().catch((error) => console.error("Could not resume reward maturation and tier tags", error));
  recoverPayouts().catch((error) => console.error("Could not resume reward payouts", error));
  recoverReconciliations().catch((error) => console.error("Could not resume reconciliations", error));
  recoverWebhookInbox().catch((error) => console.error("Could not resume the webhook inbox", error));
}

/**
 * Stops working the job queue (running jobs get 30 s) and closes its connections;
 * resolves when done. Whoever stops the database too (the demo) calls this first.
 */
export function stopBackgroundJobs(): Promise<void> {
  return stopJobQueue();
}
