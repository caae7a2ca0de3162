import { Suspense, useEffect, useState } from "react";
import { defer, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Await, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  SkeletonBodyText,
  SkeletonDisplayText,
  Text,
} from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "../../shopify.server";
import { getPeriodFigures, parsePeriod } from "../../models/Analytics/Analytics.server";
import { readRetentionCache } from "../../models/Analytics/MetricsCache.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import { shopTimezone } from "../../models/Shop/ShopTimezone.server";
import { enqueueMetrics, refreshMetricsIfDue } from "../../jobs/metrics.server";
import { PeriodPicker } from "./components/PeriodPicker";
import { KpiGrid } from "./components/KpiGrid";
import { RevenueChart } from "./components/RevenueChart";
import { RetentionCard } from "./components/RetentionCard";
import { TopAmbassadorsCard } from "./components/TopAmbassadorsCard";
import { FraudFlagsCard } from "./components/FraudFlagsCard";
import { DefinitionsCard } from "./components/DefinitionsCard";
import { pageTitle } from "../../utils/page-title";
import { useShopDates } from "~/components/ShopDates";

export const meta = () => pageTitle("Dashboard");

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

/**
 * Reads only. The cached retention figures and the page's frame come at once; the period's
 * live figures (indexed ranges) stream in when ready (`defer`), so the first open never
 * waits on them. When the cache is absent, stale and old enough, or too old, the metrics
 * job is started in the background and the page shows its progress, re-reading itself
 * until it is done.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  // Periods are days of the shop's calendar (kept on the Shop row; read daily from Shopify).
  const timeZone = await shopTimezone(admin.graphql, session.shop);
  const { period, error } = parsePeriod(new URL(request.url).searchParams, new Date(), timeZone);
  const live = getPeriodFigures(session.shop, period).then((figures) => ({
    ...figures,
    fraudFlags: figures.fraudFlags.map((flag) => ({ ...flag, createdAt: flag.createdAt.toISOString() })),
  }));
  const [settings, cache] = await Promise.all([getProgramSettings(session.shop), readRetentionCache(session.shop)]);
  const refreshing = refreshMetricsIfDue(session.shop, cache);
  return defer({
    period,
    periodError: error,
    currencyCode: settings.currencyCode,
    live,
    retention: {
      figures: cache.retention,
      computedAt: cache.computedAt?.toISOString() ?? null,
      stale: cache.staleSince !== null,
      refreshing,
      progress: cache.progress,
    },
  });
};

/** "Recompute now": starts the metrics job and returns at once. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "recompute") return { ok: false as const };
  void enqueueMetrics(session.shop).catch((error) => console.error("Metrics recompute failed", error));
  return { ok: true as const };
};

export type DashboardData = ReturnType<typeof useLoaderData<typeof loader>>;

const REFRESH_MS = 1_500;
const RECOMPUTE_WAIT_MS = 2 * 60_000;

export default function Dashboard() {
  const dates = useShopDates();
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const fetcher = useFetcher<typeof action>();
  const { retention } = data;
  // After "Recompute now" the job may not have begun when the page is next read: keep
  // re-reading until the figures' time changes (or the job could have died: RECOMPUTE_WAIT_MS).
  const [asked, setAsked] = useState<{ computedAt: string | null; at: number } | null>(null);
  const awaitingRecompute =
    asked !== null &&
    fetcher.data?.ok !== false &&
    retention.computedAt === asked.computedAt &&
    Date.now() - asked.at < RECOMPUTE_WAIT_MS;
  useEffect(() => {
    if (asked && !awaitingRecompute) setAsked(null);
  }, [asked, awaitingRecompute]);
  const computing =
    retention.refreshing || retention.progress !== null || fetcher.state !== "idle" || awaitingRecompute;

  // While the job runs, re-read the page (progress, then the figures) without a reload.
  useEffect(() => {
    if (!computing) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [computing, revalidator]);

  const progress = retention.progress;
  return (
    <Page title="Dashboard" subtitle="What the ambassador program brings in, and what it costs">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {data.periodError ? (
              <Banner tone="warning" title="The period in the page address was not used">
                <Text as="p">{data.periodError}</Text>
              </Banner>
            ) : null}
            <PeriodPicker period={data.period} />
            <Suspense fallback={<FiguresLoading />}>
              <Await resolve={data.live} errorElement={<FiguresFailed />}>
                {(live) => (
                  <>
                    <KpiGrid figures={live.figures} currencyCode={data.currencyCode} />
                    <RevenueChart series={live.series} currencyCode={data.currencyCode} />
                    <TopAmbassadorsCard top={live.top} currencyCode={data.currencyCode} />
                  </>
                )}
              </Await>
            </Suspense>
            {retention.figures ? (
              <RetentionCard retention={retention.figures}>
                <InlineStack gap="300" blockAlign="center">
                  <Text as="p" tone="subdued">
                    Computed {dates.dateTime(retention.computedAt ?? new Date(0))}
                    {computing ? " · updating…" : retention.stale ? " · new orders since; updated within minutes" : ""}
                  </Text>
                  <fetcher.Form
                    method="post"
                    onSubmit={() => setAsked({ computedAt: retention.computedAt, at: Date.now() })}
                  >
                    <input type="hidden" name="intent" value="recompute" />
                    <Button submit size="slim" disabled={computing}>
                      Recompute now
                    </Button>
                  </fetcher.Form>
                </InlineStack>
              </RetentionCard>
            ) : (
              <Banner tone="info" title="Computing retention…">
                <BlockStack gap="200">
                  <Text as="p">
                    Retention is computed in the background from your whole order history and
                    kept up to date; this page updates by itself.
                  </Text>
                  {progress && progress.total > 0 ? (
                    <>
                      <ProgressBar progress={Math.round((100 * progress.done) / progress.total)} size="small" />
                      <Text as="p" tone="subdued">
                        <span data-testid="retention-progress">
                          {progress.done.toLocaleString("en")} of {progress.total.toLocaleString("en")} customers
                        </span>
                      </Text>
                    </>
                  ) : null}
                </BlockStack>
              </Banner>
            )}
            <Suspense fallback={null}>
              <Await resolve={data.live} errorElement={null}>
                {(live) => <FraudFlagsCard flags={live.fraudFlags} />}
              </Await>
            </Suspense>
            <DefinitionsCard />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** While the period's figures stream in: the cards' shapes, so nothing jumps. */
function FiguresLoading() {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Adding up the period&apos;s orders…
        </Text>
        <SkeletonDisplayText size="large" />
        <SkeletonBodyText lines={6} />
      </BlockStack>
    </Card>
  );
}

function FiguresFailed() {
  return (
    <Banner tone="critical" title="The period's figures could not be loaded">
      <Text as="p">Reload the page to try again. Retention below is unaffected.</Text>
    </Banner>
  );
}
