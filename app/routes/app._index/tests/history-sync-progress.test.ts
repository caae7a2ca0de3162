import { describe, expect, it } from "vitest";
import type { HistorySyncView } from "../../app.history-sync/history-sync-view";
import { progressOf } from "../components/HistorySyncCard";

const run = (fields: Partial<HistorySyncView>): HistorySyncView => ({
  id: "sync-1",
  status: "running",
  method: "bulk",
  bulkStatus: "RUNNING",
  objectCount: 0,
  ordersIngested: 0,
  error: null,
  startedAt: "2026-12-07T10:00:00.000Z",
  finishedAt: null,
  ordersReadableSince: null,
  ...fields,
});

describe("history sync progress on Home", () => {
  it("counts against the shop's orders while Shopify's export is still growing", () => {
    // 100 objects exported so far of a 9,000-order shop: not "0 of 100".
    expect(progressOf(run({ objectCount: 100 }), 9_000)).toMatchObject({ percent: 0, label: "0 of 9,000 orders" });
    expect(progressOf(run({ status: "ingesting", objectCount: 9_000, ordersIngested: 4_500 }), 9_000)).toMatchObject({
      percent: 50,
      label: "4,500 of 9,000 orders",
    });
  });

  it("falls back to the export's count when the shop's count is unknown", () => {
    expect(progressOf(run({ status: "ingesting", objectCount: 200, ordersIngested: 50 }), null)).toMatchObject({
      label: "50 of 200 orders",
    });
    expect(progressOf(run({ method: "paginated", status: "running", ordersIngested: 30 }), null).label).toBe("30 orders read so far");
  });
});
