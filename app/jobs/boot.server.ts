import { recoverHistorySyncs } from "./history-sync.server";
import { recoverProvisioning } from "./ambassador-provisioning.server";
import { recoverRewards } from "./reward-maturation.server";
import { recoverPayouts } from "./reward-payouts.server";
import { recoverReconciliations, startReconciliationSchedule } from "./reconciliation.server";
import { recoverWebhookInbox } from "./webhook-inbox.server";

let started = false;

/** Once per server process: resume the background work a restart interrupted. */
export function startBackgroundJobs() {
  if (started) return;
  started = true;
  recoverHistorySyncs().catch((error) => console.error("Could not resume history syncs", error));
  recoverProvisioning().catch((error) => console.error("Could not resume ambassador provisioning", error));
  recoverRewards().catch((error) => console.error("Could not resume reward maturation and tier tags", error));
  recoverPayouts().catch((error) => console.error("Could not resume reward payouts", error));
  recoverReconciliations().catch((error) => console.error("Could not resume reconciliations", error));
  recoverWebhookInbox().catch((error) => console.error("Could not resume the webhook inbox", error));
  startReconciliationSchedule();
}
