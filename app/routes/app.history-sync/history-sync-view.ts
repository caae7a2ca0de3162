import type { HistorySync } from "@prisma/client";

/** What the home page's sync card shows of the latest HistorySync row. */
export interface HistorySyncView {
  id: string;
  /** running | ingesting | completed | failed */
  status: string;
  /** bulk | paginated */
  method: string;
  /** Shopify's BulkOperation status (CREATED, RUNNING, COMPLETED, …), bulk only. */
  bulkStatus: string | null;
  /** Orders Shopify exported (bulk; one JSONL line per order). 0 while unknown. */
  objectCount: number;
  ordersIngested: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Set when the shop did not grant read_all_orders: older orders are not readable. */
  ordersReadableSince: string | null;
}

export function historySyncView(sync: HistorySync | null): HistorySyncView | null {
  if (!sync) return null;
  return {
    id: sync.id,
    status: sync.status,
    method: sync.method,
    bulkStatus: sync.bulkStatus,
    objectCount: sync.objectCount,
    ordersIngested: sync.ordersIngested,
    error: sync.error,
    startedAt: sync.startedAt.toISOString(),
    finishedAt: sync.finishedAt?.toISOString() ?? null,
    ordersReadableSince: sync.ordersReadableSince?.toISOString() ?? null,
  };
}
