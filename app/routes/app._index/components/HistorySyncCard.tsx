import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  ProgressBar,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import type { HistorySyncActionError, loader as historySyncLoader } from "../../app.history-sync/route";
import type { HistorySyncView } from "../../app.history-sync/history-sync-view";
import { useShopDates } from "~/components/ShopDates";

/** While a sync is unfinished the card re-reads it this often. */
export const SYNC_REFRESH_MS = 1500;

const numbers = new Intl.NumberFormat("en");

const BADGES: Record<string, { label: string; tone: BadgeProps["tone"] }> = {
  running: { label: "In progress", tone: "info" },
  ingesting: { label: "In progress", tone: "info" },
  completed: { label: "Completed", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
};

const BULK_STATUSES: Record<string, string> = {
  CREATED: "queued at Shopify",
  RUNNING: "running at Shopify",
  COMPLETED: "finished at Shopify",
  CANCELING: "being cancelled by Shopify",
  CANCELED: "cancelled by Shopify",
  EXPIRED: "expired at Shopify",
  FAILED: "failed at Shopify",
};

const orders = (n: number) => `${numbers.format(n)} ${n === 1 ? "order" : "orders"}`;

interface Progress {
  /** 0–100. */
  percent: number;
  /** "N of M orders" or "N orders read so far". */
  label: string;
  /** One sentence on what is happening. */
  stage: string;
}

/** What the card says of a run: the bar, its label and the stage. */
export function progressOf(sync: HistorySyncView, orderCountEstimate: number | null): Progress {
  const done = sync.ordersIngested;
  // The shop's order count when Shopify gave it: a bulk export's object count grows while
  // it runs (and counts more than orders), so it is the total only when nothing better is known.
  const total = orderCountEstimate && orderCountEstimate > 0 ? Math.max(orderCountEstimate, done) : sync.objectCount > 0 ? sync.objectCount : null;
  const of =
    total && total > 0
      ? `${numbers.format(done)} of ${orders(total)}`
      : `${orders(done)} read so far`;
  const percent = total && total > 0 ? Math.min(100, (done / total) * 100) : 0;

  if (sync.status === "completed") {
    return {
      percent: 100,
      label: `${numbers.format(done)} of ${orders(done)}`,
      stage: `Read ${orders(done)}.`,
    };
  }
  if (sync.status === "failed") {
    return { percent, label: of, stage: `Stopped after ${orders(done)}.` };
  }
  if (sync.method === "bulk" && sync.status === "running") {
    const exported = sync.objectCount > 0 ? ` ${orders(sync.objectCount)} exported so far.` : "";
    return {
      percent: 0,
      label: `0 of ${total ? orders(total) : "your orders"}`,
      stage: `Shopify is preparing an export of your orders (${
        BULK_STATUSES[sync.bulkStatus ?? ""] ?? "requested"
      }).${exported}`,
    };
  }
  if (sync.status === "ingesting" && total && done >= total) {
    return { percent: 100, label: of, stage: "All orders read: ranking your customers." };
  }
  return {
    percent,
    label: of,
    stage:
      sync.method === "bulk"
        ? "Reading the export into Ambassadors."
        : "Reading your orders page by page.",
  };
}

export interface HistorySyncCardProps {
  sync: HistorySyncView | null;
  /** The shop's order count, the total when the run itself does not know it (pages). */
  orderCount: number | null;
}

/** The more recent of the page's and the poll's view of the latest run. */
function latest(a: HistorySyncView | null, b: HistorySyncView | null | undefined) {
  if (!b) return a;
  if (!a) return b;
  return a.startedAt > b.startedAt ? a : b;
}

export function HistorySyncCard({ sync: loaded, orderCount }: HistorySyncCardProps) {
  const dates = useShopDates();
  const fetcher = useFetcher<HistorySyncActionError>();
  const poll = useFetcher<typeof historySyncLoader>();
  const sync = latest(loaded, poll.data?.sync);
  const unfinished = sync !== null && sync.finishedAt === null;

  // The state is in the database: re-read just the run (not the whole page, whose
  // loader calls the Admin API) until it ends. A reload picks it up the same way.
  useEffect(() => {
    if (!unfinished || poll.state !== "idle") return;
    const timer = setTimeout(() => poll.load("/app/history-sync"), SYNC_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [unfinished, poll, sync]);

  const starting = fetcher.state !== "idle";
  const badge = sync ? BADGES[sync.status] ?? { label: sync.status, tone: undefined } : null;
  // The count Shopify reports covers all orders; without read_all_orders fewer are readable.
  const progress = sync ? progressOf(sync, sync.ordersReadableSince ? null : orderCount) : null;

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd" id="history-sync-heading">
            Order history
          </Text>
          {badge ? <Badge tone={badge.tone}>{badge.label}</Badge> : null}
        </InlineStack>

        {sync && progress ? (
          <BlockStack gap="200">
            <Text as="p">{progress.stage}</Text>
            <ProgressBar
              progress={progress.percent}
              tone={
                sync.status === "completed"
                  ? "success"
                  : sync.status === "failed"
                  ? "critical"
                  : "highlight"
              }
              ariaLabelledBy="history-sync-progress"
              animated={unfinished}
            />
            <InlineStack align="space-between" gap="200">
              <Text as="p" id="history-sync-progress" variant="bodySm">
                <span data-testid="history-sync-progress">{progress.label}</span>
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {sync.method === "bulk" ? "Bulk export" : "Page by page"}
                {sync.bulkStatus ? ` · Shopify status: ${sync.bulkStatus}` : ""}
                {sync.finishedAt
                  ? ` · Finished ${dates.dateTime(sync.finishedAt)}`
                  : ` · Started ${dates.dateTime(sync.startedAt)}`}
              </Text>
            </InlineStack>
          </BlockStack>
        ) : (
          <Text as="p">
            Your order history has not been read yet. Ambassadors reads it once to find the
            customers who buy again and again; new orders keep the list current after that.
          </Text>
        )}

        {sync?.status === "failed" ? (
          <Banner tone="critical" title="The sync did not finish">
            <Text as="p">
              {sync.error ?? "The sync stopped."} The orders read so far are kept; start the sync
              again to read the rest.
            </Text>
          </Banner>
        ) : null}

        {sync?.ordersReadableSince ? (
          <Banner tone="warning" title="Only your last 60 days of orders can be read">
            <Text as="p">
              Shopify only lets the app read orders from the last 60 days (since{" "}
              {dates.date(sync.ordersReadableSince)}) until you grant it access to all
              orders. Candidates are based on those orders.
            </Text>
          </Banner>
        ) : null}

        {fetcher.data?.error ? (
          <Banner tone="critical" title="The sync could not start">
            <Text as="p">{fetcher.data.error}</Text>
          </Banner>
        ) : null}

        <fetcher.Form method="post" action="/app/history-sync">
          <input type="hidden" name="returnTo" value="/app" />
          <InlineStack gap="200" blockAlign="center">
            <Button submit loading={starting} disabled={unfinished}>
              Sync order history
            </Button>
            {unfinished ? (
              <Text as="span" tone="subdued" variant="bodySm">
                This page updates by itself while the sync runs.
              </Text>
            ) : null}
          </InlineStack>
        </fetcher.Form>
      </BlockStack>
    </Card>
  );
}
