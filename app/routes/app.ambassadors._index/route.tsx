import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Card,
  EmptyState,
  Layout,
  Page,
  Pagination,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useDebouncedSearch } from "../../hooks/useDebouncedSearch";
import { authenticate } from "../../shopify.server";
import { AMBASSADOR_STATES, type AmbassadorState } from "../../models/Ambassador/states";
import { listAmbassadors } from "../../models/Ambassador/AmbassadorList.server";
import { approvalsInProgress } from "../../models/Ambassador/CodeProvisioning.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import { AmbassadorsTable, STATUS_LABELS } from "./components/AmbassadorsTable";
import { ApprovalProgress } from "./components/ApprovalProgress";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Ambassadors");

const QUERY_MAX = 100;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const statusParam = params.get("status");
  const status = (AMBASSADOR_STATES as readonly string[]).includes(statusParam ?? "")
    ? (statusParam as AmbassadorState)
    : null;
  const query = (params.get("q") ?? "").slice(0, QUERY_MAX);
  const page = /^\d{1,6}$/.test(params.get("page") ?? "") ? Number(params.get("page")) : 1;
  const [list, settings, batches] = await Promise.all([
    listAmbassadors(shop, { status, query, page }),
    getProgramSettings(shop),
    approvalsInProgress(shop),
  ]);
  return {
    rows: list.ambassadors.map((a) => ({ ...a, activatedAt: a.activatedAt?.toISOString() ?? null })),
    total: list.total,
    page: list.page,
    pageCount: list.pageCount,
    byStatus: list.byStatus,
    status,
    query,
    currencyCode: settings.currencyCode,
    batches: batches.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() })),
  };
};

const TABS: Array<{ id: AmbassadorState | "all"; label: string }> = [
  { id: "all", label: "All" },
  ...AMBASSADOR_STATES.map((s) => ({ id: s, label: STATUS_LABELS[s] })),
];

export default function Ambassadors() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const allCount = Object.values(data.byStatus).reduce((a, b) => a + b, 0);

  const go = (change: (next: URLSearchParams) => void, options?: { replace: boolean }) => {
    const next = new URLSearchParams(params);
    change(next);
    if (next.toString() !== params.toString()) navigate(`?${next.toString()}`, { ...options, preventScrollReset: true });
  };
  const search = useDebouncedSearch(data.query, (query) =>
    go(
      (next) => {
        if (query) next.set("q", query);
        else next.delete("q");
        next.delete("page");
      },
      { replace: true },
    ),
  );
  const selected = Math.max(0, TABS.findIndex((t) => t.id === (data.status ?? "all")));

  return (
    <Page
      title="Ambassadors"
      subtitle="Customers in your program, their codes and what they bring"
      primaryAction={{ content: "Find candidates", url: "/app/candidates" }}
      secondaryActions={[
        { content: "Applications", url: "/app/applications" },
        { content: "Gifts", url: "/app/gifts" },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ApprovalProgress initial={data.batches} />
            {allCount === 0 ? (
              <Card>
                <EmptyState
                  heading="No ambassadors yet"
                  action={{ content: "Approve candidates", url: "/app/candidates" }}
                  secondaryAction={{ content: "Review applications", url: "/app/applications" }}
                  image=""
                >
                  <p>
                    Approve repeat buyers from Candidates, or shoppers who apply from your
                    storefront. Each gets a personal discount code and share link.
                  </p>
                </EmptyState>
              </Card>
            ) : (
              <Card padding="0">
                <Tabs
                  tabs={TABS.map((t) => ({
                    id: t.id,
                    content: `${t.label} (${(t.id === "all" ? allCount : data.byStatus[t.id]).toLocaleString("en")})`,
                  }))}
                  selected={selected}
                  onSelect={(index) =>
                    go((next) => {
                      const tab = TABS[index].id;
                      if (tab === "all") next.delete("status");
                      else next.set("status", tab);
                      next.delete("page");
                    })
                  }
                />
                <div style={{ padding: "var(--p-space-300)" }}>
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      search.searchNow(search.value);
                    }}
                  >
                    <TextField
                      label="Search ambassadors"
                      labelHidden
                      placeholder="Search by name, email or code"
                      value={search.value}
                      onChange={search.change}
                      autoComplete="off"
                      maxLength={QUERY_MAX}
                      clearButton
                      onClearButtonClick={() => search.searchNow("")}
                    />
                  </form>
                </div>
                {data.rows.length === 0 ? (
                  <div style={{ padding: "var(--p-space-400)" }}>
                    <Text as="p" tone="subdued">
                      {data.query
                        ? `No ${data.status ? `${STATUS_LABELS[data.status].toLowerCase()} ` : ""}ambassadors match “${data.query}”.`
                        : `No ${data.status ? STATUS_LABELS[data.status].toLowerCase() : ""} ambassadors.`}
                    </Text>
                  </div>
                ) : (
                  <AmbassadorsTable rows={data.rows} currencyCode={data.currencyCode} />
                )}
                <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
                  <Pagination
                    hasPrevious={data.page > 1}
                    hasNext={data.page < data.pageCount}
                    label={`Page ${data.page} of ${data.pageCount}`}
                    onPrevious={() => go((next) => next.set("page", String(data.page - 1)))}
                    onNext={() => go((next) => next.set("page", String(data.page + 1)))}
                  />
                </div>
              </Card>
            )}
            {navigation.state === "loading" ? (
              <Text as="p" tone="subdued">
                Loading…
              </Text>
            ) : null}
            <Text as="p" tone="subdued">
              Orders and revenue count orders that used one of the ambassador&apos;s codes, net of
              refunds, excluding cancelled and test orders. Clicks count share-link visits, once per
              visitor a day.
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
