/**
 * The history sync: reads the store's whole order history once (on install and on
 * demand) into OrderFacts. Preferred path: one bulk operation whose JSONL is streamed into
 * `ingestBulkOrdersJsonl`. Where a bulk operation cannot be started, a paginated read that
 * paces itself on `extensions.cost.throttleStatus` so it never hits THROTTLED, and backs
 * off if it does. Every step is recorded in the HistorySync row, so a reload shows the
 * progress and a restart resumes where the last committed batch ended.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { BulkOperationStatusQuery } from "../../graphql/BulkOperationStatusQuery";
import { OrderHistoryBulkQuery } from "../../graphql/OrderHistoryBulkQuery";
import { OrderHistoryPageQuery } from "../../graphql/OrderHistoryPageQuery";
import { RecentBulkOperationsQuery } from "../../graphql/RecentBulkOperationsQuery";
import { RunBulkQueryMutation } from "../../graphql/RunBulkQueryMutation";
import { adminQuery, adminRequest, isThrottledError } from "../../utils/admin-graphql.server";
import {
  activeHistorySync,
  advanceHistorySync,
  finishHistorySync,
  startHistorySync,
  type HistorySync,
} from "./HistorySync.server";
import {
  ingestBulkOrdersJsonl,
  orderSnapshotFromAdminApi,
  upsertOrderSnapshots,
  type AdminOrderNode,
} from "./OrderHistory.server";

/** Without read_all_orders, Shopify exposes the last 60 days of orders only. */
export const RECENT_ORDERS_DAYS = 60;

export interface SyncOptions {
  /** Between two looks at a running bulk operation (the finish webhook cuts it short). */
  pollIntervalMs: number;
  /** Orders per page in the paginated fallback. */
  pageSize: number;
  /** Waits after a THROTTLED answer: base × 2^attempt. */
  throttleBackoffMs: number;
  /** Orders per committed batch of the bulk ingest. */
  ingestBatchSize?: number;
  /** After each committed batch or page (a throw stops the sync; what was committed stays). */
  onProgress?: (ordersDone: number) => void | Promise<void>;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  pollIntervalMs: 5000,
  pageSize: 100,
  throttleBackoffMs: 1000,
};

/**
 * Starts a history sync unless one is already running (then returns that one).
 * `grantedScopes` decides whether the whole history is readable.
 */
export async function requestHistorySync(
  graphql: AdminGraphqlClient,
  shop: string,
  grantedScopes: string[],
  now = new Date(),
): Promise<HistorySync> {
  const ordersReadableSince = grantedScopes.includes("read_all_orders")
    ? null
    : new Date(now.getTime() - RECENT_ORDERS_DAYS * 24 * 60 * 60 * 1000);

  // Claim the run first, so two clicks (or two app instances) cannot start two exports:
  // the database holds at most one unfinished run per shop (a partial unique index), so
  // of two simultaneous claims one inserts and the other finds that run.
  const claim = async () =>
    prisma.$transaction(async (tx) => {
      const running = await activeHistorySync(shop, tx);
      if (running) return { sync: running, claimed: false };
      return { sync: await startHistorySync(shop, { method: "bulk", ordersReadableSince }, tx), claimed: true };
    });
  const { sync, claimed } = await claim().catch(async (error: unknown) => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return claim();
    throw error;
  });
  if (!claimed) return sync;

  try {
    return await startBulkExport(graphql, shop, sync.id);
  } catch (error) {
    // THROTTLED, 5xx, a timeout or a reset connection: the sync stays claimed and its
    // background job starts the export, retrying, so an install never loses its sync.
    console.warn(`History sync for ${shop}: the export will be started in the background`, error);
    return sync;
  }
}

/** Asks Shopify for the bulk export; where it cannot run one, switches the sync to pages. */
async function startBulkExport(graphql: AdminGraphqlClient, shop: string, syncId: string): Promise<HistorySync> {
  const { bulkOperationRunQuery: result } = await adminQuery(graphql, RunBulkQueryMutation, {
    query: bulkQueryOfSync(syncId),
  });
  const bulkOperationId = result?.bulkOperation?.id;
  if (bulkOperationId) {
    return await prisma.historySync.update({ where: { id: syncId }, data: { bulkOperationId } });
  }
  // Bulk operations unavailable (e.g. the shop's bulk slots are busy, or an earlier
  // request started one whose answer was lost): read page by page.
  const reason = result?.userErrors.map((e) => e.message).join("; ") || "no bulk operation";
  console.info(`History sync for ${shop} falls back to pages: ${reason}`);
  return await prisma.historySync.update({ where: { id: syncId }, data: { method: "paginated" } });
}

const FAILED_BULK_STATUSES = new Set(["FAILED", "CANCELED", "CANCELING", "EXPIRED"]);

/**
 * The export's query, its operation named after the sync: Shopify lists an app's bulk
 * operations with their query, so a sync tells its own export from any other.
 */
export function bulkQueryOfSync(syncId: string): string {
  const name = `OrderHistoryBulk_${syncId.replace(/\W/g, "_")}`;
  return OrderHistoryBulkQuery.replace("query OrderHistoryBulk {", `query ${name} {`);
}

const sameQuery = (a: string, b: string) => a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();

/**
 * The export Shopify started for this sync whose id was never recorded (the process died
 * between the two), so a retry reads it instead of starting a second. It is among the
 * app's newest query exports: it was started just after the sync was claimed.
 */
async function adoptStartedExport(graphql: AdminGraphqlClient, sync: HistorySync): Promise<HistorySync | null> {
  const { bulkOperations } = await adminQuery(graphql, RecentBulkOperationsQuery, { query: "operation_type:QUERY" });
  const own = bulkQueryOfSync(sync.id);
  const started = bulkOperations.nodes.find(
    (operation) => operation.query && sameQuery(operation.query, own) && !FAILED_BULK_STATUSES.has(operation.status),
  );
  if (!started) return null;
  return prisma.historySync.update({ where: { id: sync.id }, data: { bulkOperationId: started.id } });
}

/** Wake-ups for syncs waiting on their bulk operation (bulk_operations/finish). */
const waiting = new Map<string, () => void>();

export function wakeHistorySync(syncId: string) {
  waiting.get(syncId)?.();
}

function waitOrWake(syncId: string, ms: number) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      waiting.delete(syncId);
      resolve();
    }
    waiting.set(syncId, done);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drives an unfinished sync to its end (or resumes it after a restart). Safe to call
 * again after a crash: bulk ingest resumes at `processedLines`, pages at `pageCursor`,
 * and facts are upserted by order id, so nothing is counted twice.
 */
export async function continueHistorySync(
  graphql: AdminGraphqlClient,
  shop: string,
  syncId: string,
  options: SyncOptions = DEFAULT_SYNC_OPTIONS,
): Promise<HistorySync | null> {
  let sync = await prisma.historySync.findFirst({ where: { id: syncId, shop } });
  if (!sync || sync.finishedAt) return sync;
  // Claimed, export id unknown: Shopify did not answer, or the process died before or
  // just after Shopify started the export.
  if (sync.method === "bulk" && !sync.bulkOperationId) {
    sync = (await adoptStartedExport(graphql, sync)) ?? (await startBulkExport(graphql, shop, sync.id));
  }
  if (sync.method === "bulk") await continueBulkSync(graphql, sync, options);
  else await continuePaginatedSync(graphql, sync, options);
  return prisma.historySync.findFirst({ where: { id: syncId, shop } });
}

async function continueBulkSync(graphql: AdminGraphqlClient, sync: HistorySync, options: SyncOptions) {
  const { shop, id } = sync;
  const bulkOperationId = sync.bulkOperationId as string;

  for (;;) {
    const { node } = await adminQuery(graphql, BulkOperationStatusQuery, { id: bulkOperationId });
    if (!node || !("status" in node)) {
      await finishHistorySync(shop, id, { error: "Shopify no longer knows this bulk operation." });
      return;
    }
    await advanceHistorySync(shop, id, {
      bulkStatus: node.status,
      objectCount: Number(node.objectCount),
    });
    if (FAILED_BULK_STATUSES.has(node.status)) {
      await finishHistorySync(shop, id, {
        error: `Shopify's export ${node.status.toLowerCase()}${node.errorCode ? ` (${node.errorCode})` : ""}. Start the sync again.`,
      });
      return;
    }
    if (node.status === "COMPLETED") {
      await advanceHistorySync(shop, id, { status: "ingesting" });
      if (node.url) {
        const response = await fetch(node.url);
        if (!response.ok || !response.body) {
          throw new Error(`Downloading the bulk export failed: HTTP ${response.status}`);
        }
        await ingestBulkOrdersJsonl(shop, Readable.fromWeb(response.body as WebReadableStream), {
          startAtLine: sync.processedLines,
          historySyncId: id,
          batchSize: options.ingestBatchSize,
          onProgress: options.onProgress && ((_lines, orders) => options.onProgress?.(orders)),
        });
      }
      await finishHistorySync(shop, id);
      return;
    }
    await waitOrWake(id, options.pollIntervalMs);
  }
}

async function continuePaginatedSync(graphql: AdminGraphqlClient, sync: HistorySync, options: SyncOptions) {
  const { shop, id } = sync;
  let cursor = sync.pageCursor;
  let throttledInARow = 0;

  for (;;) {
    let page;
    try {
      page = await adminRequest(graphql, OrderHistoryPageQuery, { first: options.pageSize, after: cursor });
    } catch (error) {
      if (!isThrottledError(error)) throw error;
      // Pacing should prevent this; if another client drained the bucket, back off.
      await sleep(options.throttleBackoffMs * 2 ** Math.min(throttledInARow++, 6));
      continue;
    }
    throttledInARow = 0;

    const { nodes, pageInfo } = page.data.orders;
    const snapshots = (nodes as AdminOrderNode[]).map(orderSnapshotFromAdminApi);
    const nextCursor = pageInfo.hasNextPage ? (pageInfo.endCursor ?? null) : null;
    await prisma.$transaction(async (tx) => {
      await upsertOrderSnapshots(shop, snapshots, tx);
      await advanceHistorySync(
        shop,
        id,
        { pageCursor: nextCursor, ordersIngested: snapshots.length },
        tx,
      );
    });
    await options.onProgress?.(snapshots.length);
    if (!nextCursor) break;
    cursor = nextCursor;

    // Pace: wait until the bucket holds what the next page will cost.
    if (page.cost) {
      const { currentlyAvailable, restoreRate } = page.cost.throttleStatus;
      const shortfall = page.cost.requestedQueryCost - currentlyAvailable;
      if (shortfall > 0) await sleep(Math.ceil((shortfall / restoreRate) * 1000));
    }
  }
  await finishHistorySync(shop, id);
}
