/**
 * History sync runs: one row per run, the state an admin progress bar shows and the
 * resume point after a restart. The orchestration (bulk operation, polling, paginated
 * fallback) lives with the routes; these are its small, shop-scoped writes.
 */
import type { HistorySync, Prisma } from "@prisma/client";
import prisma from "../../db.server";

export type HistorySyncMethod = "bulk" | "paginated";
/** running: Shopify prepares the export (or pages are read); ingesting: the JSONL streams in. */
export type HistorySyncStatus = "running" | "ingesting" | "completed" | "failed";

export type { HistorySync };

type Db = Prisma.TransactionClient;

/** Starts a run. `ordersReadableSince` is set when the shop did not grant read_all_orders. */
export async function startHistorySync(
  shop: string,
  input: { method: HistorySyncMethod; bulkOperationId?: string; ordersReadableSince?: Date | null },
  db: Db = prisma,
): Promise<HistorySync> {
  return db.historySync.create({
    data: {
      shop,
      method: input.method,
      status: "running",
      bulkOperationId: input.bulkOperationId ?? null,
      ordersReadableSince: input.ordersReadableSince ?? null,
    },
  });
}

export interface HistorySyncProgress {
  status?: Exclude<HistorySyncStatus, "completed" | "failed">;
  bulkOperationId?: string;
  bulkStatus?: string;
  objectCount?: number;
  processedLines?: number;
  pageCursor?: string | null;
  /** Added to ordersIngested (the paginated sync reports each committed page). */
  ordersIngested?: number;
}

/**
 * Records progress of an unfinished run (a finished run is left as it is). Pass the
 * transaction that committed the orders, so progress and data commit together.
 * Returns false when no unfinished run of the shop has this id.
 */
export async function advanceHistorySync(
  shop: string,
  id: string,
  progress: HistorySyncProgress,
  db: Db = prisma,
): Promise<boolean> {
  const { ordersIngested, ...fields } = progress;
  const { count } = await db.historySync.updateMany({
    where: { id, shop, finishedAt: null },
    data: {
      ...fields,
      ...(ordersIngested ? { ordersIngested: { increment: ordersIngested } } : {}),
    },
  });
  return count === 1;
}

/** Ends a run: completed, or failed with the error shown to the merchant. */
export async function finishHistorySync(
  shop: string,
  id: string,
  outcome: { error?: string | null } = {},
  db: Db = prisma,
): Promise<boolean> {
  const { count } = await db.historySync.updateMany({
    where: { id, shop, finishedAt: null },
    data: {
      status: outcome.error ? "failed" : "completed",
      error: outcome.error ?? null,
      finishedAt: new Date(),
    },
  });
  return count === 1;
}

/** The shop's most recent run, finished or not (for the progress bar). */
export async function latestHistorySync(shop: string, db: Db = prisma): Promise<HistorySync | null> {
  return db.historySync.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
}

/** The shop's unfinished run, if any: resume it rather than start another. */
export async function activeHistorySync(shop: string, db: Db = prisma): Promise<HistorySync | null> {
  return db.historySync.findFirst({
    where: { shop, finishedAt: null },
    orderBy: { startedAt: "desc" },
  });
}
