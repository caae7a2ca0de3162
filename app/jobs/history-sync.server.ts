import prisma from "../db.server";
import { unauthenticated, type AdminGraphqlClient } from "../shopify.server";
import { finishHistorySync, latestHistorySync } from "../models/OrderHistory/HistorySync.server";
import {
  continueHistorySync,
  DEFAULT_SYNC_OPTIONS,
  requestHistorySync,
  type SyncOptions,
} from "../models/OrderHistory/OrderHistorySync.server";
import { enqueueJob, type JobDefinition } from "./runner.server";

// HISTORY_SYNC_POLL_MS: how often a running bulk operation is looked at (tests and the
// demo use a short interval; the bulk_operations/finish webhook wakes it anyway).
const options: SyncOptions = {
  ...DEFAULT_SYNC_OPTIONS,
  pollIntervalMs: Number(process.env.HISTORY_SYNC_POLL_MS) || DEFAULT_SYNC_OPTIONS.pollIntervalMs,
};

export const historySyncJob: JobDefinition<{ shop: string; syncId: string }> = {
  name: "history-sync",
  key: ({ syncId }) => syncId,
  // A big shop's export and ingest can take hours; only then is a run taken for crashed.
  expireInSeconds: 4 * 60 * 60,
  async run({ shop, syncId }) {
    const { admin } = await unauthenticated.admin(shop);
    await continueHistorySync(admin.graphql, shop, syncId, options);
  },
  async onGiveUp({ shop, syncId }, error) {
    await finishHistorySync(shop, syncId, {
      error: `The sync stopped: ${error instanceof Error ? error.message : String(error)}`,
    });
  },
};

export function enqueueHistorySync(shop: string, syncId: string) {
  return enqueueJob(historySyncJob, { shop, syncId });
}

/**
 * Starts (or joins) a history sync and lets it run in the background. With
 * `onlyIfNeverSynced` (first install) a shop that already has a sync is left alone.
 */
export async function syncHistoryInBackground(
  graphql: AdminGraphqlClient,
  shop: string,
  grantedScopes: string[],
  options: { onlyIfNeverSynced?: boolean } = {},
) {
  if (options.onlyIfNeverSynced && (await latestHistorySync(shop))) return null;
  const sync = await requestHistorySync(graphql, shop, grantedScopes);
  void enqueueHistorySync(shop, sync.id);
  return sync;
}

/** After a restart: pick up every sync that was still running, for every shop. */
export async function recoverHistorySyncs() {
  const unfinished = await prisma.historySync.findMany({
    where: { finishedAt: null },
    select: { shop: true, id: true },
  });
  for (const { shop, id } of unfinished) void enqueueHistorySync(shop, id);
  return unfinished.length;
}
