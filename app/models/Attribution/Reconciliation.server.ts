/**
 * Reconciliation: re-reads the orders updated recently that used a discount code through
 * the Admin API (paced on Shopify's leaky bucket), stores their facts with the same
 * functions the webhooks use, and re-runs attribution. Whatever a missed or lost webhook
 * left out shows up as an attribution change: those are the run's fixes, reported in
 * plain words. Running it again right after finds nothing to fix.
 */
import prisma from "../../db.server";
import { markMetricsStale } from "../Analytics/MetricsCache.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { pacedAdmin, type PacingOptions } from "../../utils/paced-admin.server";
import { ReconcileOrdersQuery } from "../../graphql/ReconcileOrdersQuery";
import type { ReconcileOrdersQuery as ReconcileOrdersResult } from "../../types/admin.generated";
import {
  normalizeDiscountCodes,
  numericId,
  orderSnapshotFromAdminApi,
  recordRefunds,
  upsertOrderSnapshots,
  type RefundSnapshot,
} from "../OrderHistory/OrderHistory.server";
import { currencyExponent, toMinorUnits } from "../OrderHistory/money";
import { attributeOrders, type AttributionChange, type AttributionResult } from "./Attribution.server";

const DAY = 86_400_000;

export interface ReconcileOptions extends PacingOptions {
  /** How far back "recent" goes, by Shopify's updatedAt (default 30 days). */
  days: number;
  /** Orders per page (the query costs about 14 points an order). */
  pageSize: number;
  now?: () => Date;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { days: 30, pageSize: 50, throttleBackoffMs: 1000 };

export const RECONCILIATION_TRIGGERS = ["scheduled", "manual"] as const;
export type ReconciliationTrigger = (typeof RECONCILIATION_TRIGGERS)[number];

/** The run in progress for the shop, or a new one. */
export async function startReconciliationRun(shop: string, trigger: ReconciliationTrigger) {
  const running = await prisma.reconciliationRun.findFirst({
    where: { shop, status: "running" },
    orderBy: { startedAt: "desc" },
  });
  return running ?? prisma.reconciliationRun.create({ data: { shop, trigger } });
}

export async function failReconciliationRun(shop: string, runId: string, error: string) {
  await prisma.reconciliationRun.updateMany({
    where: { shop, id: runId, status: "running" },
    data: { status: "failed", error, finishedAt: new Date() },
  });
}

/** The latest runs, newest first. */
export function recentReconciliationRuns(shop: string, take = 10) {
  return prisma.reconciliationRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
}

/** Shopify's search date: `updated_at:>='2026-05-01T10:00:00Z'`. */
export function recentOrdersQuery(since: Date): string {
  return `updated_at:>='${since.toISOString().replace(/\.\d{3}Z$/, "Z")}' discount_code:*`;
}

function formatMoney(cents: number, currencyCode: string | null): string {
  const exponent = currencyExponent(currencyCode);
  const amount = cents / 10 ** exponent;
  if (!currencyCode) return amount.toFixed(exponent);
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).format(amount);
  } catch {
    return `${amount.toFixed(exponent)} ${currencyCode}`;
  }
}

/** One fix in plain words. */
export function describeFix(
  change: AttributionChange,
  orderName: string,
  names: Map<string, string>,
  currencyCode: string | null,
): string {
  const { before, after } = change;
  const who = (id: string) => names.get(id) ?? "a removed ambassador";
  const money = (cents: number) => formatMoney(cents, currencyCode);
  if (!before && after) {
    const net = after.cancelled ? "cancelled, net 0" : `net ${money(after.netCents)}`;
    return `Order ${orderName} with code ${after.code} was missing: attributed to ${who(after.ambassadorId)} (${net}).`;
  }
  if (before && !after) {
    return `Order ${orderName} no longer uses an ambassador's code: no longer attributed to ${who(before.ambassadorId)}.`;
  }
  if (!before || !after) return `Order ${orderName}: attribution corrected.`;
  const parts: string[] = [];
  if (before.ambassadorId !== after.ambassadorId || before.code !== after.code) {
    parts.push(`now attributed to ${who(after.ambassadorId)} (code ${after.code}) instead of ${who(before.ambassadorId)}`);
  }
  if (!before.cancelled && after.cancelled) parts.push("it was cancelled");
  if (before.cancelled && !after.cancelled) parts.push("it is no longer cancelled");
  if (before.netCents !== after.netCents) {
    parts.push(`net ${money(before.netCents)} → ${money(after.netCents)}${after.netCents < before.netCents && !after.cancelled ? " (a refund was missed)" : ""}`);
  }
  if (!before.selfReferral && after.selfReferral) parts.push("it is the ambassador's own order (self-referral)");
  return `Order ${orderName} with code ${after.code} (${who(after.ambassadorId)}): ${parts.join("; ") || "corrected"}.`;
}

export interface ReconcileResult {
  ordersRead: number;
  ordersFixed: number;
  report: string[];
  /** A leak flag this run raised asks to pause these (the caller does, after the run). */
  ambassadorsToPause: string[];
  /** The reward ledger asks for these tier tags to change in Shopify (the caller enqueues). */
  tierTagChanges: string[];
}

/**
 * Runs reconciliation `runId` for the shop to the end and records its outcome. Safe to run
 * again after a crash (it starts over; everything it writes is idempotent).
 */
export async function reconcileRecentOrders(
  graphql: AdminGraphqlClient,
  shop: string,
  runId: string,
  options: Partial<ReconcileOptions> = {},
): Promise<ReconcileResult> {
  const settings = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  const now = settings.now?.() ?? new Date();
  const admin = pacedAdmin(graphql, settings);
  const programCodes = new Set(
    (
      await prisma.ambassadorCode.findMany({
        where: { shop, shopifyState: { not: "failed" } },
        select: { code: true },
      })
    ).map((c) => c.code),
  );
  const query = recentOrdersQuery(new Date(now.getTime() - settings.days * DAY));

  let ordersRead = 0;
  const fixes: { change: AttributionChange; orderName: string }[] = [];
  let currencyCode: string | null = null;
  const toPause = new Set<string>();
  const tierTagChanges = new Set<string>();
  for await (const node of ordersMatching(admin, query, settings.pageSize)) {
    if (!normalizeDiscountCodes(node.discountCodes).some((code) => programCodes.has(code))) continue;
    ordersRead++;
    const { snapshot, result } = await applyAdminApiOrder(shop, node, ({ orderId }) => `reconcile:${runId}:${orderId}`);
    currencyCode = snapshot.currencyCode ?? currencyCode;
    for (const change of result.changes) fixes.push({ change, orderName: node.name });
    for (const id of result.ambassadorsToPause) toPause.add(id);
    for (const id of result.tierTagChanges) tierTagChanges.add(id);
  }

  const ambassadorIds = [
    ...new Set(fixes.flatMap(({ change }) => [change.before?.ambassadorId, change.after?.ambassadorId])),
  ].filter((id): id is string => !!id);
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, id: { in: ambassadorIds } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  const names = new Map(
    ambassadors.map((a) => [a.id, [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || a.code || "an ambassador"]),
  );
  currencyCode ??= (await prisma.programSettings.findUnique({ where: { shop } }))?.currencyCode ?? null;
  const report = fixes.map(({ change, orderName }) => describeFix(change, orderName, names, currencyCode));
  if (fixes.length > 0) await prisma.$transaction((tx) => markMetricsStale(tx, shop));
  await prisma.reconciliationRun.updateMany({
    where: { shop, id: runId },
    data: {
      status: "completed",
      ordersRead,
      ordersFixed: new Set(fixes.map((f) => f.change.orderId)).size,
      report: report.join("\n"),
      error: null,
      finishedAt: new Date(),
    },
  });
  return {
    ordersRead,
    ordersFixed: new Set(fixes.map((f) => f.change.orderId)).size,
    report,
    ambassadorsToPause: [...toPause],
    tierTagChanges: [...tierTagChanges],
  };
}

type AdminApiOrder = ReconcileOrdersResult["orders"]["nodes"][number];

/** The orders matching Shopify's search `query`, page after page. */
async function* ordersMatching(admin: ReturnType<typeof pacedAdmin>, query: string, pageSize: number): AsyncGenerator<AdminApiOrder> {
  let after: string | null = null;
  for (;;) {
    const data: ReconcileOrdersResult = await admin.request(ReconcileOrdersQuery, { first: pageSize, after, query }, 2 + pageSize * 14);
    yield* data.orders.nodes;
    const { hasNextPage, endCursor } = data.orders.pageInfo;
    if (!hasNextPage || !endCursor) return;
    after = endCursor;
  }
}

/**
 * Stores the order as the Admin API has it (its facts and refunds, with the functions the
 * webhooks use) and re-derives its attribution, in one transaction.
 */
async function applyAdminApiOrder(
  shop: string,
  node: AdminApiOrder,
  causeOf: (snapshot: ReturnType<typeof orderSnapshotFromAdminApi>) => string,
) {
  const snapshot = orderSnapshotFromAdminApi(node);
  const exponent = currencyExponent(snapshot.currencyCode);
  const refunds: RefundSnapshot[] = node.refunds.map((refund) => ({
    refundId: numericId(refund.id, "Refund"),
    orderId: snapshot.orderId,
    amountCents: toMinorUnits(refund.totalRefundedSet.shopMoney.amount, exponent),
    // Refund.createdAt is nullable in the schema: an undated refund counts from the order.
    createdAt: new Date(refund.createdAt ?? node.processedAt),
  }));
  const codes = normalizeDiscountCodes(node.discountCodes);
  const estimate = node.totalDiscountsSet ? toMinorUnits(node.totalDiscountsSet.shopMoney.amount, exponent) : 0;
  const result = await prisma.$transaction(async (tx) => {
    await upsertOrderSnapshots(shop, [snapshot], tx);
    await recordRefunds(shop, refunds, tx);
    return attributeOrders(tx, shop, [snapshot.orderId], causeOf(snapshot), {
      // Shopify's discount total covers every discount on the order: the code's share
      // only when it is the order's one code (a webhook's per-code amount wins anyway).
      estimatedDiscountCents: new Map(codes.length === 1 ? [[snapshot.orderId, estimate]] : []),
    });
  });
  return { snapshot, result };
}

/**
 * Orders whose webhook delivery could not be read, re-read through the Admin API and
 * applied as the reconciliation applies them, whether or not they used a program code
 * (the webhook would have stored them all). The ledger's cause is the order's version, as
 * a webhook's. Returns the orders Shopify has and what their attribution asks for next.
 */
export async function rereadOrders(
  graphql: AdminGraphqlClient,
  shop: string,
  orderIds: string[],
  options: Partial<ReconcileOptions> = {},
): Promise<{ found: string[]; results: AttributionResult[] }> {
  const settings = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  const query = [...new Set(orderIds)].map((id) => `id:${id}`).join(" OR ");
  const found: string[] = [];
  const results: AttributionResult[] = [];
  for await (const node of ordersMatching(pacedAdmin(graphql, settings), query, settings.pageSize)) {
    const { snapshot, result } = await applyAdminApiOrder(shop, node, ({ orderId, sourceUpdatedAt }) => `order:${orderId}:${sourceUpdatedAt.getTime()}`);
    found.push(snapshot.orderId);
    results.push(result);
  }
  return { found, results };
}
