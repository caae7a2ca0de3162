import { useCallback, useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Link, List, Page, Text } from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  AMBASSADOR_STATUSES,
  listCandidates,
  setCandidateDecision,
  type CandidateDecision,
} from "../../models/Candidate/Candidate.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import { approveCandidates, inviteCandidates } from "../../models/Ambassador/Ambassador.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import { latestHistorySync } from "../../models/OrderHistory/HistorySync.server";
import { formatMoney } from "../../models/ProgramSettings/shop-money";
import { parseCandidateSearch } from "./search-params.server";
import { readView, type CandidateParam } from "./search-params";
import { CandidateFilters } from "./components/CandidateFilters";
import { CandidatesTable, type CandidateRow } from "./components/CandidatesTable";
import { DecisionBanner, type DecisionOutcome } from "./components/DecisionBanner";
import { NoCandidates, SyncFirst } from "./components/EmptyStates";
import { useCandidateSearch } from "./components/useCandidateSearch";
import { pageTitle } from "../../utils/page-title";
import { bulkApprovalConfirmation, useConfirmation } from "~/components/ConfirmationModal";

export const meta = () => pageTitle("Candidates");

/** At most this many customers per bulk decision (a page holds at most 250). */
export const MAX_DECISION_IDS = 250;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const [settings, sync] = await Promise.all([getProgramSettings(shop), latestHistorySync(shop)]);
  const search = parseCandidateSearch(new URL(request.url).searchParams, settings.currencyCode);
  const page = await listCandidates(shop, search.options);

  const rows: CandidateRow[] = page.candidates.map((c) => ({
    id: c.customerId,
    name: c.displayName,
    email: c.email,
    orderCount: c.orderCount,
    netSpentCents: c.netSpentCents,
    lastOrderAt: c.lastOrderAt?.toISOString() ?? null,
    score: c.score,
    status: c.ambassadorStatus,
    why: c.why,
  }));
  return {
    rows,
    totalCount: page.totalCount ?? 0,
    nextCursor: page.nextCursor,
    previousCursor: page.previousCursor,
    /** The settings the list was ranked with (thresholds, currency). */
    settings: page.settings,
    search: {
      text: search.text,
      status: search.status,
      signal: search.signal,
      sort: search.sort,
      direction: search.direction,
      page: search.page,
      pageSize: search.options.pageSize ?? rows.length,
      filtered: search.filtered,
      errors: search.errors,
    },
    sync: sync
      ? { status: sync.status, finished: sync.finishedAt !== null, error: sync.error }
      : null,
  };
};

const DECISIONS: Record<string, CandidateDecision> = {
  invite: "invited",
  approve: "approved",
  dismiss: "dismissed",
  clear: "none",
  ...Object.fromEntries(AMBASSADOR_STATUSES.map((status) => [status, status])),
};

/** Bulk Invite / Approve / Dismiss: form fields `decision` and `customerId` (repeated). */
export const action = async ({ request }: ActionFunctionArgs): Promise<DecisionOutcome> => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const decision = DECISIONS[String(form.get("decision") ?? "")];
  if (!decision) {
    return { ok: false, message: "Choose Invite, Approve or Dismiss: nothing was changed." };
  }
  const ids = form
    .getAll("customerId")
    .map((id) => String(id).trim())
    .filter(Boolean);
  if (ids.length === 0) {
    return { ok: false, message: "Select at least one customer: nothing was changed." };
  }
  if (ids.length > MAX_DECISION_IDS) {
    return {
      ok: false,
      message: `Select at most ${MAX_DECISION_IDS} customers at a time: nothing was changed.`,
    };
  }
  // Approving makes ambassadors (codes created in Shopify by the provisioning job);
  // inviting records them as invited; the other decisions only mark the candidate.
  if (decision === "approved") {
    const result = await approveCandidates(session.shop, ids);
    enqueueProvisioning(session.shop);
    return {
      ok: true,
      decision,
      updated: result.approved.length,
      unknown: result.errors.map((e) => e.id),
    };
  }
  if (decision === "invited") {
    const result = await inviteCandidates(session.shop, ids);
    return { ok: true, decision, updated: ids.length - result.unknown.length, unknown: result.unknown };
  }
  const result = await setCandidateDecision(session.shop, ids, decision);
  return { ok: true, decision, updated: result.updated.length, unknown: result.unknown };
};

/** What the page did instead of an ignored parameter. */
const IGNORED_INSTEAD: Partial<Record<CandidateParam, string>> = {
  sort: "sorted by score instead",
  direction: "highest first instead",
  cursor: "showing the first page",
  page: "page number not shown",
  pageSize: "50 per page instead",
};

function criteriaText(settings: {
  minOrders: number;
  minSpentCents: number;
  recencyDays: number;
  currencyCode: string | null;
}) {
  const spend =
    settings.minSpentCents > 0
      ? `, at least ${formatMoney(settings.minSpentCents, settings.currencyCode)} spent`
      : "";
  return `at least ${settings.minOrders} orders${spend}, the last one within ${settings.recencyDays} days`;
}

export default function Candidates() {
  const { rows, totalCount, nextCursor, previousCursor, settings, search, sync } =
    useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const fetcher = useFetcher<typeof action>();
  const searchState = useCandidateSearch();

  const [dismissedOutcome, setDismissedOutcome] = useState<unknown>(null);
  const outcome =
    fetcher.state === "idle" && fetcher.data && fetcher.data !== dismissedOutcome
      ? fetcher.data
      : null;
  const [decidedToken, setDecidedToken] = useState(0);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) setDecidedToken((token) => token + 1);
  }, [fetcher.state, fetcher.data]);

  const ignored = Object.entries(search.errors) as [CandidateParam, string][];
  const loading =
    navigation.state === "loading" && navigation.location.pathname === "/app/candidates";
  const view = loading ? readView(new URLSearchParams(navigation.location.search)) : search;
  // Cursors do not know their offset: the URL's page number does (absent: unknown).
  const firstPosition =
    previousCursor === null ? 1 : search.page > 1 ? (search.page - 1) * search.pageSize + 1 : null;

  // Stable callbacks and elements: typing in the search re-renders the filters, not the
  // 50-row table (the table is memoised), so keystrokes answer at once.
  const submitDecision = fetcher.submit;
  const { ask, modal } = useConfirmation();
  const decide = useCallback(
    (decision: CandidateDecision, ids: string[]) => {
      const send = () => {
        const form = new FormData();
        form.set("decision", decision);
        for (const id of ids) form.append("customerId", id);
        submitDecision(form, { method: "post" });
      };
      if (decision === "approved" && ids.length > 1) ask(bulkApprovalConfirmation(ids.length, send));
      else send();
    },
    [submitDecision, ask]
  );
  const { update } = searchState;
  const showNext = useCallback(
    () =>
      update((params) => {
        if (!nextCursor) return;
        params.set("cursor", nextCursor);
        params.set("page", String(search.page + 1));
      }),
    [update, nextCursor, search.page]
  );
  const showPrevious = useCallback(
    () =>
      update((params) => {
        // Back to page 1: no cursor at all (the page as first opened).
        if (!previousCursor || search.page === 2) return;
        params.set("cursor", previousCursor);
        params.set("page", String(Math.max(1, search.page - 1)));
      }),
    [update, previousCursor, search.page]
  );
  const emptyState = useMemo(
    () => <NoCandidates filtered={search.filtered} status={search.status} />,
    [search.filtered, search.status]
  );

  return (
    <Page
      title="Candidates"
      subtitle="Your repeat buyers, ranked by how often, how recently and how much they buy, and how they engage"
      secondaryActions={[{ content: "Import reviews and mentions", url: "/app/signals" }]}
    >
      {modal}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {ignored.length > 0 ? (
              <Banner tone="warning" title="Some filters in the page address were ignored">
                <List>
                  {ignored.map(([key, message]) => (
                    <List.Item key={key}>
                      {message}: {IGNORED_INSTEAD[key] ?? "not applied"}.
                    </List.Item>
                  ))}
                </List>
              </Banner>
            ) : null}
            {outcome ? (
              <DecisionBanner outcome={outcome} onDismiss={() => setDismissedOutcome(outcome)} />
            ) : null}
            {sync && !sync.finished ? (
              <Banner tone="info" title="Your order history is being read">
                <Text as="p">
                  Candidates appear and move as orders are read.{" "}
                  <Link url="/app">See the progress on Home</Link>.
                </Text>
              </Banner>
            ) : null}
            {sync?.status === "failed" ? (
              <Banner tone="critical" title="The last order history sync did not finish">
                <Text as="p">
                  {sync.error ?? "The sync stopped."} Candidates are based on the orders read so
                  far. <Link url="/app">Start it again from Home</Link>.
                </Text>
              </Banner>
            ) : null}

            {sync === null ? (
              <SyncFirst />
            ) : (
              <>
                <Text as="p" tone="subdued">
                  <span data-testid="candidate-count">
                    {totalCount.toLocaleString("en")}{" "}
                    {totalCount === 1 ? "candidate" : "candidates"}
                  </span>{" "}
                  {search.filtered ? "match these filters" : "in this view"}. Candidates are
                  customers with {criteriaText(settings)}, not counting cancelled, test or fully
                  refunded orders. <Link url="/app/settings">Change the program settings</Link>.
                </Text>
                <Card padding="0">
                  <CandidateFilters
                    search={searchState}
                    status={view.status}
                    signal={view.signal}
                    sort={view.sort}
                    direction={view.direction}
                    currencyCode={settings.currencyCode}
                    errors={search.errors}
                    loading={loading}
                  />
                  <CandidatesTable
                    rows={rows}
                    currencyCode={settings.currencyCode}
                    firstPosition={firstPosition}
                    totalCount={totalCount}
                    hasNext={nextCursor !== null}
                    hasPrevious={previousCursor !== null}
                    onNext={showNext}
                    onPrevious={showPrevious}
                    onDecide={decide}
                    deciding={fetcher.state !== "idle"}
                    decidedToken={decidedToken}
                    loading={loading}
                    emptyState={emptyState}
                  />
                </Card>
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
