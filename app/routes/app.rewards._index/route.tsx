import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  EmptySearchResult,
  Banner,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
  useIndexResourceState,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import prisma from "../../db.server";
import { shopCurrency } from "../../models/ProgramSettings/ShopCurrency.server";
import { getRewardSettings } from "../../models/Rewards/RewardSettings.server";
import {
  createPayouts,
  listPayouts,
  markPayoutsPaid,
  rewardBalancePage,
  type PayoutFilters,
} from "../../models/Rewards/Payouts.server";
import { isPayoutMethod, PAYOUT_STATUSES } from "../../models/Rewards/payout-kinds";
import { enqueueTierTags } from "../../jobs/reward-maturation.server";
import { matureRewards, type MaturationResult } from "../../models/Rewards/Maturation.server";
import { enqueuePayouts } from "../../jobs/reward-payouts.server";
import { isProgramPaused } from "../../models/AmbassadorProgram/ProgramPause.server";
import { formatMoney } from "../../models/ProgramSettings/shop-money";
import { pageTitle } from "../../utils/page-title";
import { useFileDownload } from "./hooks/useFileDownload";
import { CellText } from "~/components/CellText";
import { useShopDates } from "~/components/ShopDates";

export const meta = () => pageTitle("Rewards");

const METHOD_LABEL: Record<string, string> = {
  cash: "Cash",
  discount_code: "Reward code",
  store_credit: "Store credit",
};

function displayName(a: { firstName: string | null; lastName: string | null; email: string | null } | undefined) {
  if (!a) return "Unknown ambassador";
  return [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || "Ambassador";
}

/** Filters from the URL; anything unknown is ignored. */
export function payoutFilters(url: URL): PayoutFilters {
  const params = url.searchParams;
  const date = (key: string) => {
    const value = params.get(key);
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
    const parsed = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  };
  const to = date("to");
  const status = params.get("status") ?? "";
  const method = params.get("method") ?? "";
  return {
    status: (PAYOUT_STATUSES as readonly string[]).includes(status) ? status : undefined,
    method: isPayoutMethod(method) ? method : undefined,
    ambassadorId: params.get("ambassador") || undefined,
    from: date("from"),
    // "to" is inclusive of that day.
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
  };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const url = new URL(request.url);
  const filters = payoutFilters(url);
  const cursor = url.searchParams.get("before");
  const [cursorAt, cursorId] = cursor ? cursor.split("_") : [];
  const before = cursorAt && cursorId && !Number.isNaN(Number(cursorAt)) ? { createdAt: new Date(Number(cursorAt)), id: cursorId } : undefined;

  const balancePage = /^\d{1,6}$/.test(url.searchParams.get("balances") ?? "") ? Number(url.searchParams.get("balances")) : 1;

  const [currencyCode, settings, balancesPage, page] = await Promise.all([
    shopCurrency(admin.graphql, shop),
    getRewardSettings(shop),
    rewardBalancePage(shop, { page: balancePage }),
    listPayouts(shop, filters, { before }),
  ]);
  const balances = balancesPage.rows;
  const ambassadorIds = [...new Set([...balances.map((b) => b.ambassadorId), ...page.rows.map((p) => p.ambassadorId)])];
  const ambassadors = new Map(
    (
      await prisma.ambassador.findMany({
        where: { shop, id: { in: ambassadorIds } },
        select: { id: true, firstName: true, lastName: true, email: true },
      })
    ).map((a) => [a.id, a])
  );
  const money = (cents: number) => formatMoney(cents, currencyCode);
  const last = page.rows.at(-1);
  return {
    defaultMethod: settings.payoutMethod,
    balances: balances.map((b) => ({
      ambassadorId: b.ambassadorId,
      name: displayName(ambassadors.get(b.ambassadorId)),
      pending: money(b.pendingCents),
      approved: money(b.approvedCents),
      approvedCents: b.approvedCents,
      inPayout: money(b.inPayoutCents),
      paid: money(b.paidCents),
    })),
    balancesPaging: { page: balancesPage.page, pageCount: balancesPage.pageCount, total: balancesPage.total },
    payouts: page.rows.map((p) => ({
      id: p.id,
      ambassadorId: p.ambassadorId,
      name: displayName(ambassadors.get(p.ambassadorId)),
      amount: money(Number(p.amountCents)),
      method: p.method,
      status: p.status,
      reference: p.reference,
      shopifyReference: p.shopifyReference,
      error: p.error,
      createdAt: p.createdAt.toISOString(),
      paidAt: p.paidAt?.toISOString() ?? null,
    })),
    nextCursor: page.hasMore && last ? `${last.createdAt.getTime()}_${last.id}` : null,
  };
};

export type RewardsActionResult =
  | { ok: true; message: string }
  | { ok: false; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<RewardsActionResult> => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "create-payouts") {
    const method = form.get("method");
    if (!isPayoutMethod(method)) return { ok: false, errors: { method: "Choose a payout method" } };
    const ids = form.getAll("ambassadorIds").filter((v): v is string => typeof v === "string" && v !== "");
    const result = await createPayouts(shop, { method, ambassadorIds: ids.length ? ids : undefined });
    if (method !== "cash" && result.created.length) void enqueuePayouts(shop);
    const carried = result.carriedOver ? ` ${result.carriedOver} zero or negative balance(s) carry over.` : "";
    return {
      ok: true,
      message:
        result.created.length === 0
          ? `No approved balance to pay.${carried}`
          : `${result.created.length} payout(s) created${method === "cash" ? "; mark them paid once you have paid them." : " and being sent through Shopify."}${carried}`,
    };
  }
  if (intent === "mark-paid") {
    const ids = form.getAll("payoutIds").filter((v): v is string => typeof v === "string" && v !== "");
    const reference = form.get("reference");
    const result = await markPayoutsPaid(shop, ids, typeof reference === "string" ? reference : "");
    return result.ok ? { ok: true, message: `${plural(result.paid, "payout")} marked paid.` } : result;
  }
  if (intent === "send") {
    if (await isProgramPaused(prisma, shop)) {
      return { ok: false, errors: { form: "The program is paused: resume it on Offer and codes to send payouts." } };
    }
    await enqueuePayouts(shop);
    return { ok: true, message: "Pending reward code and store credit payouts were sent." };
  }
  if (intent === "mature") {
    const matured = await matureRewards(shop, new Date());
    if (matured.tierTagChanges.length > 0) enqueueTierTags(shop);
    return { ok: true, message: maturationMessage(matured) };
  }
  return { ok: false, errors: { intent: "Unknown action" } };
};

const plural = (count: number, noun: string) => `${count.toLocaleString("en")} ${noun}${count === 1 ? "" : "s"}`;

/** What "Approve rewards past their hold now" did, including nothing. */
function maturationMessage({ approved, voided }: MaturationResult) {
  if (approved === 0 && voided === 0) return "No rewards were past their hold: nothing was approved.";
  const parts = [];
  if (approved > 0) parts.push(`${plural(approved, "reward")} approved`);
  if (voided > 0) parts.push(`${plural(voided, "reward")} voided (their orders were cancelled or refunded)`);
  return `${parts.join(", ")}.`;
}

function statusBadge(status: string) {
  const tone = status === "paid" ? "success" : status === "failed" ? "critical" : status === "sending" ? "attention" : undefined;
  return <Badge tone={tone}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}

const AMBASSADORS_CSV = "/app/exports/ambassadors.csv";
/** The payout list's filters (search parameters). */
const PAYOUT_FILTERS = ["status", "method", "from", "to", "ambassador"] as const;
const PAYOUTS_CSV = "/app/exports/payouts.csv";

export default function Rewards() {
  const { balances, balancesPaging, payouts, nextCursor, defaultMethod } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const exports = useFileDownload();
  const dates = useShopDates();
  const [params, setParams] = useSearchParams();
  const [method, setMethod] = useState<string>(defaultMethod);
  const [reference, setReference] = useState("");
  const busy = navigation.state !== "idle";
  const { selectedResources, allResourcesSelected, handleSelectionChange } = useIndexResourceState(
    payouts.map((p) => ({ ...p, id: p.id }))
  );
  const errors = result && !result.ok ? result.errors : {};

  const setFilter = (key: string) => (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "before") next.delete("before");
    setParams(next);
  };

  const showBalancesPage = (page: number) => {
    const next = new URLSearchParams(params);
    if (page > 1) next.set("balances", String(page));
    else next.delete("balances");
    setParams(next);
  };

  const markPaid = () => {
    const data = new FormData();
    data.set("intent", "mark-paid");
    data.set("reference", reference);
    for (const id of selectedResources) data.append("payoutIds", id);
    submit(data, { method: "post" });
  };

  return (
    <Page
      title="Rewards"
      subtitle="Balances and payouts"
      primaryAction={{ content: "Reward settings", url: "/app/rewards/settings" }}
      secondaryActions={[
        {
          content: "Export ambassadors (CSV)",
          loading: exports.downloading === AMBASSADORS_CSV,
          onAction: () => void exports.download(AMBASSADORS_CSV, "ambassadors.csv"),
        },
        {
          content: "Export payouts (CSV)",
          loading: exports.downloading === PAYOUTS_CSV,
          onAction: () => void exports.download(PAYOUTS_CSV, "payouts.csv"),
        },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {exports.error ? <Banner tone="critical">{exports.error}</Banner> : null}
            {result?.ok ? <Banner tone="success">{result.message}</Banner> : null}
            {result && !result.ok ? <Banner tone="critical">{Object.values(result.errors).join(" ")}</Banner> : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Balances</Text>
                <Text as="p" tone="subdued">
                  Pending rewards are in their hold period; approved ones can be paid out. A negative approved balance (a refund after payout) carries over to the next payout.
                </Text>
                <Form method="post">
                  <input type="hidden" name="intent" value="create-payouts" />
                  <InlineStack gap="300" blockAlign="end">
                    <Select
                      label="Pay with"
                      name="method"
                      options={[
                        { label: "Cash (mark paid afterwards)", value: "cash" },
                        { label: "Reward discount code", value: "discount_code" },
                        { label: "Shopify store credit", value: "store_credit" },
                      ]}
                      value={method}
                      onChange={setMethod}
                      error={errors.method}
                    />
                    <Button submit variant="primary" loading={busy && navigation.formData?.get("intent") === "create-payouts"}>
                      Create payouts for approved balances
                    </Button>
                  </InlineStack>
                </Form>
                <InlineStack gap="200">
                  <Form method="post">
                    <input type="hidden" name="intent" value="mature" />
                    <Button submit>Approve rewards past their hold now</Button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="send" />
                    <Button submit>Send pending Shopify payouts</Button>
                  </Form>
                </InlineStack>
                <IndexTable
                  resourceName={{ singular: "ambassador", plural: "ambassadors" }}
                  itemCount={balances.length}
                  emptyState={
                    <EmptySearchResult
                      title="No rewards yet"
                      description="Ambassadors earn rewards when orders use their codes; balances show here from the first one."
                    />
                  }
                  selectable={false}
                  headings={[{ title: "Ambassador" }, { title: "Pending" }, { title: "Approved" }, { title: "In payout" }, { title: "Paid" }]}
                >
                  {balances.map((b, index) => (
                    <IndexTable.Row id={b.ambassadorId} key={b.ambassadorId} position={index}>
                      <IndexTable.Cell>
                        <Link to={`/app/rewards?ambassador=${encodeURIComponent(b.ambassadorId)}`}>
                          <CellText>{b.name}</CellText>
                        </Link>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{b.pending}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" tone={b.approvedCents < 0 ? "critical" : undefined}>{b.approved}</Text>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{b.inPayout}</IndexTable.Cell>
                      <IndexTable.Cell>{b.paid}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                {balancesPaging.pageCount > 1 ? (
                  <InlineStack align="center">
                    <Pagination
                      label={`Page ${balancesPaging.page} of ${balancesPaging.pageCount} (${balancesPaging.total.toLocaleString("en")} ambassadors)`}
                      hasPrevious={balancesPaging.page > 1}
                      onPrevious={() => showBalancesPage(balancesPaging.page - 1)}
                      hasNext={balancesPaging.page < balancesPaging.pageCount}
                      onNext={() => showBalancesPage(balancesPaging.page + 1)}
                      accessibilityLabels={{ previous: "Previous balances", next: "Next balances" }}
                    />
                  </InlineStack>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Payout ledger</Text>
                <InlineStack gap="300" blockAlign="end">
                  <Select
                    label="Status"
                    options={[{ label: "Any", value: "" }, ...PAYOUT_STATUSES.map((s) => ({ label: s, value: s }))]}
                    value={params.get("status") ?? ""}
                    onChange={setFilter("status")}
                  />
                  <Select
                    label="Method"
                    options={[{ label: "Any", value: "" }, ...Object.entries(METHOD_LABEL).map(([value, label]) => ({ label, value }))]}
                    value={params.get("method") ?? ""}
                    onChange={setFilter("method")}
                  />
                  <TextField label="From" type="date" value={params.get("from") ?? ""} onChange={setFilter("from")} autoComplete="off" />
                  <TextField label="To" type="date" value={params.get("to") ?? ""} onChange={setFilter("to")} autoComplete="off" />
                  {params.get("ambassador") ? <Button onClick={() => setFilter("ambassador")("")}>All ambassadors</Button> : null}
                </InlineStack>
                <InlineStack gap="300" blockAlign="end">
                  <TextField label="Payment reference" value={reference} onChange={setReference} error={errors.reference ?? errors.payoutIds} autoComplete="off" helpText="Bank transfer or PayPal id, for the selected cash payouts." />
                  <Button onClick={markPaid} disabled={selectedResources.length === 0}>Mark selected paid</Button>
                </InlineStack>
                <IndexTable
                  resourceName={{ singular: "payout", plural: "payouts" }}
                  itemCount={payouts.length}
                  emptyState={
                    PAYOUT_FILTERS.some((key) => params.get(key)) ? (
                      <EmptySearchResult title="No payouts match these filters" description="Change or clear the filters above." />
                    ) : (
                      <EmptySearchResult title="No payouts yet" description="Create payouts from approved balances above." />
                    )
                  }
                  selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
                  onSelectionChange={handleSelectionChange}
                  headings={[{ title: "Created" }, { title: "Ambassador" }, { title: "Amount" }, { title: "Method" }, { title: "Status" }, { title: "Reference" }]}
                >
                  {payouts.map((p, index) => (
                    <IndexTable.Row id={p.id} key={p.id} position={index} selected={selectedResources.includes(p.id)}>
                      <IndexTable.Cell>{dates.date(p.createdAt)}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <CellText>{p.name}</CellText>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{p.amount}</IndexTable.Cell>
                      <IndexTable.Cell>{METHOD_LABEL[p.method] ?? p.method}</IndexTable.Cell>
                      <IndexTable.Cell>{statusBadge(p.status)}</IndexTable.Cell>
                      <IndexTable.Cell>
                        {p.error ? <Text as="span" tone="critical">{p.error}</Text> : p.reference || p.shopifyReference || "—"}
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                {nextCursor || params.get("before") ? (
                  <InlineStack align="end" gap="200">
                    {params.get("before") ? <Button onClick={() => setFilter("before")("")}>Newest payouts</Button> : null}
                    {nextCursor ? <Button onClick={() => setFilter("before")(nextCursor)}>Older payouts</Button> : null}
                  </InlineStack>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
