/**
 * The metrics job: recomputes a shop's cached retention figures (MetricsCache) off the
 * request path. The dashboard loader only reads the cache and calls `refreshMetricsIfDue`,
 * which enqueues this job (and returns at once) when the figures are absent, stale and old
 * enough, or too old; the page shows the progress the job writes while it runs.
 */
import { storedShopTimezone } from "../models/Shop/ShopTimezone.server";
import { computeRetention } from "../models/Analytics/retention.server";
import {
  abandonRetentionRun,
  beginRetentionRun,
  finishRetentionRun,
  needsRecompute,
  writeRetentionProgress,
  type CachedRetention,
} from "../models/Analytics/MetricsCache.server";
import { enqueueJob, type JobDefinition } from "./runner.server";

/** A run that has not written progress for this long has died (a restart): start another. */
const RUN_SILENT_MS = 2 * 60_000;

/** Lets webhooks and page loads in between the chunks of a long computation. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const metricsJob: JobDefinition<{ shop: string }> = {
  name: "metrics",
  key: ({ shop }) => shop,
  maxAttempts: 3,
  async run({ shop }) {
    const startedAt = new Date();
    const progress = (done: number, total: number) => ({
      done,
      total,
      startedAt: startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
    });
    await beginRetentionRun(shop, progress(0, 0));
    let written = 0;
    const retention = await computeRetention(shop, {
      now: startedAt,
      timeZone: await storedShopTimezone(shop),
      async onProgress(done, total) {
        // Progress every ~10 chunks: one small write, not one per chunk.
        if (done - written >= 20_000 || done === total) {
          written = done;
          await writeRetentionProgress(shop, progress(done, total));
        }
        await yieldToEventLoop();
      },
    });
    await finishRetentionRun(shop, retention, startedAt);
  },
  async onGiveUp({ shop }) {
    await abandonRetentionRun(shop);
  },
};

/** Recomputes now (in the background); resolves when done. */
export function enqueueMetrics(shop: string): Promise<void> {
  return enqueueJob(metricsJob, { shop });
}

function runInProgress(cache: CachedRetention, now: Date): boolean {
  return cache.progress !== null && now.getTime() - Date.parse(cache.progress.updatedAt) < RUN_SILENT_MS;
}

/**
 * For page loads: enqueues a recompute when the cached figures are due one (see
 * `needsRecompute`) and none is running. Never waits for it. Returns whether one is
 * running or was started.
 */
export function refreshMetricsIfDue(shop: string, cache: CachedRetention, now = new Date()): boolean {
  if (runInProgress(cache, now)) return true;
  if (!needsRecompute(cache, now)) return false;
  void enqueueMetrics(shop).catch((error) => console.error(`Metrics for ${shop} failed`, error));
  return true;
}
