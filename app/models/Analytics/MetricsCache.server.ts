/**
 * Heavy figures (retention cohorts) are computed off the request path by the metrics job
 * (app/jobs/metrics.server.ts) and served from MetricsCache. Writers of the facts those
 * figures read mark the cache stale with `markMetricsStale` in their own transaction (one
 * indexed UPDATE, no read); the page then shows the cached figures with their age, and
 * asks for a recompute when they are stale and old enough, or too old in any case.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import type { Retention, RetentionProgress } from "./definitions";

type Db = Prisma.TransactionClient;

export const RETENTION_KEY = "retention";
export const RETENTION_PROGRESS_KEY = "retention:progress";

/** Placeholder value while the first computation runs (marks can land on the row). */
const PENDING = "null";

// METRICS_STALE_RECOMPUTE_MS: a stale cache is recomputed at most this often (default 5 min),
// so a busy shop's stream of orders does not keep the job running.
// METRICS_MAX_AGE_MS: figures older than this are recomputed even without a change
// (default 6 h): windows close as time passes, moving customers into the samples.
export const METRICS_STALE_RECOMPUTE_MS = Number(process.env.METRICS_STALE_RECOMPUTE_MS) || 5 * 60_000;
export const METRICS_MAX_AGE_MS = Number(process.env.METRICS_MAX_AGE_MS) || 6 * 3_600_000;

/**
 * Call in the transaction that changed what the cached figures read (order facts,
 * attributed orders, ambassadors' activation): marks the shop's cached figures stale.
 * One UPDATE on the primary key's shop prefix; rows already stale are left alone.
 */
export async function markMetricsStale(tx: Db, shop: string, at = new Date()): Promise<void> {
  await tx.metricsCache.updateMany({
    where: { shop, staleSince: null, key: { not: RETENTION_PROGRESS_KEY } },
    data: { staleSince: at },
  });
}

export interface CachedRetention {
  retention: Retention | null;
  computedAt: Date | null;
  staleSince: Date | null;
  progress: RetentionProgress | null;
}

export async function readRetentionCache(shop: string): Promise<CachedRetention> {
  const rows = await prisma.metricsCache.findMany({
    where: { shop, key: { in: [RETENTION_KEY, RETENTION_PROGRESS_KEY] } },
  });
  const main = rows.find((row) => row.key === RETENTION_KEY);
  const progress = rows.find((row) => row.key === RETENTION_PROGRESS_KEY);
  const retention = main ? (JSON.parse(main.value) as Retention | null) : null;
  return {
    retention,
    computedAt: retention && main ? main.computedAt : null,
    staleSince: main?.staleSince ?? null,
    progress: progress ? (JSON.parse(progress.value) as RetentionProgress | null) : null,
  };
}

/** Whether the cached figures should be recomputed now. */
export function needsRecompute(cache: CachedRetention, now = new Date()): boolean {
  if (!cache.retention || !cache.computedAt) return true;
  const age = now.getTime() - cache.computedAt.getTime();
  if (age >= METRICS_MAX_AGE_MS) return true;
  return cache.staleSince !== null && age >= METRICS_STALE_RECOMPUTE_MS;
}

/**
 * Start of a computation: the row exists (so marks made while it runs are kept) and its
 * stale mark is cleared (a mark after this moment means the run may have missed a change).
 */
export async function beginRetentionRun(shop: string, progress: RetentionProgress): Promise<void> {
  await prisma.$transaction([
    prisma.metricsCache.upsert({
      where: { shop_key: { shop, key: RETENTION_KEY } },
      create: { shop, key: RETENTION_KEY, value: PENDING, computedAt: new Date(0) },
      update: { staleSince: null },
    }),
    writeProgressQuery(shop, progress),
  ]);
}

function writeProgressQuery(shop: string, progress: RetentionProgress | null) {
  const value = JSON.stringify(progress);
  return prisma.metricsCache.upsert({
    where: { shop_key: { shop, key: RETENTION_PROGRESS_KEY } },
    create: { shop, key: RETENTION_PROGRESS_KEY, value },
    update: { value, computedAt: new Date() },
  });
}

export async function writeRetentionProgress(shop: string, progress: RetentionProgress | null) {
  await writeProgressQuery(shop, progress);
}

/** End of a computation: the figures, as of when it started; progress cleared. */
export async function finishRetentionRun(shop: string, retention: Retention, startedAt: Date) {
  await prisma.$transaction([
    prisma.metricsCache.update({
      where: { shop_key: { shop, key: RETENTION_KEY } },
      data: { value: JSON.stringify(retention), computedAt: startedAt },
    }),
    writeProgressQuery(shop, null),
  ]);
}

/** A failed computation: progress cleared and the figures marked stale (tried again later). */
export async function abandonRetentionRun(shop: string) {
  await prisma.$transaction([
    writeProgressQuery(shop, null),
    prisma.metricsCache.updateMany({
      where: { shop, key: RETENTION_KEY, staleSince: null },
      data: { staleSince: new Date() },
    }),
  ]);
}
