import { recoverHistorySyncs } from "./history-sync.server";

let started = false;

/** Once per server process: resume the background work a restart interrupted. */
export function startBackgroundJobs() {
  if (started) return;
  started = true;
  recoverHistorySyncs().catch((error) => console.error("Could not resume history syncs", error));
}
