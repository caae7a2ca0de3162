/**
 * Period figures: clicks, attributed orders, revenue, new customers, discount and reward
 * cost, ROI and conversion, for the shop and per ambassador. Computed live: every query is
 * a range on an index ((shop, processedAt), (shop, day), (shop, ambassadorId, …)), so a
 * 90-day period reads that period's rows only, whatever the size of the history
 * (`npm run bench loaders` measures it on 1M orders).
 */
import prisma from "../../db.server";
import {
  PERIOD_PRESETS,
  PRESET_DAYS,
  rate,
  roiOf,
  type AmbassadorFigures,
  type Figures,
  type Period,
  type PeriodPreset,
  type SeriesPoint,
} from "./definitions";
import { positional, timestampParam, utcDay, utcMonth } from "./sql-dialect.server";

const DAY_MS = 86_400_000;
/** The longest custom range (about three years). */
export const MAX_PERIOD_DAYS = 1_100;
/** Longer periods are charted by month instead of by day. */
const DAILY_SERIES_MAX_DAYS = 120;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The last `days` UTC days, today included. */
export function presetPeriod(preset: PeriodPreset, now = new Date()): Period {
  const days = PRESET_DAYS[preset];
  const to = isoDay(now);
  const from = isoDay(new Date(dayStart(to).getTime() - (days - 1) * DAY_MS));
  return { key: preset, from, to, days };
}

export type PeriodParse = { period: Period; error: string | null };

/**
 * `?period=7d|30d|90d` or `?period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD` (both days
 * included). Anything invalid falls back to the last 30 days, with the reason.
 */
export function parsePeriod(params: URLSearchParams, now = new Date()): PeriodParse {
  const key = params.get("period") ?? "30d";
  if ((PERIOD_PRESETS as readonly string[]).includes(key)) {
    return { period: presetPeriod(key as PeriodPreset, now), error: null };
  }
  const fallback = (error: string) => ({ period: presetPeriod("30d", now), error });
  if (key !== "custom") return fallback(`Unknown period "${key}": showing the last 30 days.`);
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const valid = (day: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(dayStart(day).getTime()) && isoDay(dayStart(day)) === day;
  if (!valid(from) || !valid(to)) {
    return fallback("Custom range needs a start and end date (YYYY-MM-DD): showing the last 30 days.");
  }
  const days = Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / DAY_MS) + 1;
  if (days < 1) return fallback("The custom range ends before it starts: showing the last 30 days.");
  if (days > MAX_PERIOD_DAYS) {
    return fallback(`Custom ranges are at most ${MAX_PERIOD_DAYS} days: showing the last 30 days.`);
  }
  return { period: { key: "custom", from, to, days }, error: null };
}

/** [start of `from`, start of the day after `to`) as bound parameters. */
function bounds(period: Period): [string, string] {
  return [
    timestampParam(dayStart(period.from)),
    timestampParam(new Date(dayStart(period.to).getTime() + DAY_MS)),
  ];
}

const num = (value: unknown) => Number(value ?? 0);

interface OrderTotals {
  orders: number;
  revenueCents: number;
  newCustomers: number;
  discountCents: number;
}

const ORDER_SUMS = `
  COUNT(*) AS "orders",
  SUM("netCents") AS "revenue",
  SUM(CASE WHEN "newCustomer" = true THEN 1 ELSE 0 END) AS "newCustomers",
  SUM("discountCents") AS "discount"`;

/** Counting attributed orders (net > 0: not cancelled, test or fully refunded) in the period. */
const ORDERS_IN_PERIOD = `
  FROM "AttributedOrder"
  WHERE "shop" = ? AND "processedAt" >= ? AND "processedAt" < ? AND "netCents" > 0`;

type OrderRow = { orders: unknown; revenue: unknown; newCustomers: unknown; discount: unknown };

const orderTotals = (row: OrderRow | undefined): OrderTotals => ({
  orders: num(row?.orders),
  revenueCents: num(row?.revenue),
  newCustomers: num(row?.newCustomers),
  discountCents: num(row?.discount),
});

function idList(ids: string[]): { sql: string; values: string[] } {
  return { sql: ids.map(() => "?").join(", "), values: ids };
}

/**
 * Reward cost of the period: ledger entries (commission, adjustment; not void) of the
 * period's attributed orders, plus milestone bonuses created in the period. Per
 * ambassador when `ambassadorIds` is given.
 */
async function rewardCosts(
  shop: string,
  period: Period,
  ambassadorIds?: string[],
): Promise<Map<string | null, number>> {
  const [from, to] = bounds(period);
  const ids = ambassadorIds ? idList(ambassadorIds) : null;
  const byAmbassador = ids ? `AND r."ambassadorId" IN (${ids.sql})` : "";
  const group = ids ? `r."ambassadorId"` : "NULL";
  const rows = await prisma.$queryRawUnsafe<{ ambassadorId: string | null; cost: unknown }[]>(
    positional(`SELECT "ambassadorId", SUM("cost") AS "cost" FROM (
       SELECT ${group} AS "ambassadorId", r."amountCents" AS "cost"
       FROM "AttributedOrder" a
       JOIN "RewardEntry" r ON r."shop" = a."shop" AND r."orderId" = a."orderId"
       WHERE a."shop" = ? AND a."processedAt" >= ? AND a."processedAt" < ?
         AND r."kind" IN ('commission', 'adjustment') AND r."status" <> 'void' ${byAmbassador}
       UNION ALL
       SELECT ${group} AS "ambassadorId", r."amountCents" AS "cost"
       FROM "RewardEntry" r
       WHERE r."shop" = ? AND r."kind" = 'milestone' AND r."status" <> 'void'
         AND r."createdAt" >= ? AND r."createdAt" < ? ${byAmbassador}
     ) AS "costs" GROUP BY "ambassadorId"`),
    shop, from, to, ...(ids?.values ?? []), shop, from, to, ...(ids?.values ?? []),
  );
  return new Map(rows.map((row) => [row.ambassadorId, num(row.cost)]));
}

async function clickCounts(
  shop: string,
  period: Period,
  ambassadorIds?: string[],
): Promise<Map<string | null, number>> {
  if (!ambassadorIds) {
    const clicks = await prisma.shareClick.count({
      where: { shop, day: { gte: period.from, lte: period.to } },
    });
    return new Map([[null, clicks]]);
  }
  const rows = await prisma.shareClick.groupBy({
    by: ["ambassadorId"],
    where: { shop, ambassadorId: { in: ambassadorIds }, day: { gte: period.from, lte: period.to } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.ambassadorId, row._count._all]));
}

function figures(totals: OrderTotals, clicks: number, rewardCents: number): Figures {
  return {
    clicks,
    ...totals,
    rewardCents,
    roi: roiOf(totals.revenueCents, totals.discountCents, rewardCents),
    conversion: rate(totals.orders, clicks),
  };
}

/** The shop's figures for the period. */
export async function shopFigures(shop: string, period: Period): Promise<Figures> {
  const [from, to] = bounds(period);
  const [[row], clicks, rewards] = await Promise.all([
    prisma.$queryRawUnsafe<OrderRow[]>(positional(`SELECT ${ORDER_SUMS} ${ORDERS_IN_PERIOD}`), shop, from, to),
    clickCounts(shop, period),
    rewardCosts(shop, period),
  ]);
  return figures(orderTotals(row), clicks.get(null) ?? 0, rewards.get(null) ?? 0);
}

async function withNames(shop: string, ids: string[]) {
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, id: { in: ids } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  return new Map(
    ambassadors.map((a) => [
      a.id,
      {
        name: [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || "Ambassador",
        code: a.code,
      },
    ]),
  );
}

async function figuresOf(
  shop: string,
  period: Period,
  ids: string[],
  totals: Map<string, OrderTotals>,
): Promise<AmbassadorFigures[]> {
  if (ids.length === 0) return [];
  const [clicks, rewards, names] = await Promise.all([
    clickCounts(shop, period, ids),
    rewardCosts(shop, period, ids),
    withNames(shop, ids),
  ]);
  const none: OrderTotals = { orders: 0, revenueCents: 0, newCustomers: 0, discountCents: 0 };
  return ids.map((id) => ({
    ambassadorId: id,
    name: names.get(id)?.name ?? "Removed ambassador",
    code: names.get(id)?.code ?? null,
    ...figures(totals.get(id) ?? none, clicks.get(id) ?? 0, rewards.get(id) ?? 0),
  }));
}

/** The ambassadors with the most attributed revenue in the period, best first. */
export async function topAmbassadors(shop: string, period: Period, limit = 10): Promise<AmbassadorFigures[]> {
  const [from, to] = bounds(period);
  const rows = await prisma.$queryRawUnsafe<(OrderRow & { ambassadorId: string })[]>(
    positional(`SELECT "ambassadorId", ${ORDER_SUMS} ${ORDERS_IN_PERIOD}
     GROUP BY "ambassadorId" ORDER BY "revenue" DESC, "ambassadorId" LIMIT ?`),
    shop, from, to, limit,
  );
  const totals = new Map(rows.map((row) => [row.ambassadorId, orderTotals(row)]));
  return figuresOf(shop, period, rows.map((row) => row.ambassadorId), totals);
}

/** Figures of the given ambassadors for the period (e.g. an ambassador's own page). */
export async function ambassadorFigures(
  shop: string,
  period: Period,
  ambassadorIds: string[],
): Promise<AmbassadorFigures[]> {
  if (ambassadorIds.length === 0) return [];
  const [from, to] = bounds(period);
  const ids = idList(ambassadorIds);
  const rows = await prisma.$queryRawUnsafe<(OrderRow & { ambassadorId: string })[]>(
    positional(`SELECT "ambassadorId", ${ORDER_SUMS} ${ORDERS_IN_PERIOD} AND "ambassadorId" IN (${ids.sql})
     GROUP BY "ambassadorId"`),
    shop, from, to, ...ids.values,
  );
  const totals = new Map(rows.map((row) => [row.ambassadorId, orderTotals(row)]));
  return figuresOf(shop, period, ambassadorIds, totals);
}

/**
 * Attributed revenue and orders per day of the period (per month past 120 days), every
 * day or month present (zero when nothing sold).
 */
export async function revenueSeries(shop: string, period: Period): Promise<SeriesPoint[]> {
  const [from, to] = bounds(period);
  const monthly = period.days > DAILY_SERIES_MAX_DAYS;
  const bucket = monthly ? utcMonth(`"processedAt"`) : utcDay(`"processedAt"`);
  const rows = await prisma.$queryRawUnsafe<{ key: string; orders: unknown; revenue: unknown }[]>(
    positional(`SELECT ${bucket} AS "key", COUNT(*) AS "orders", SUM("netCents") AS "revenue"
     ${ORDERS_IN_PERIOD} GROUP BY ${bucket} ORDER BY ${bucket}`),
    shop, from, to,
  );
  const found = new Map(rows.map((row) => [row.key, row]));
  const keys: string[] = [];
  for (let t = dayStart(period.from).getTime(); t <= dayStart(period.to).getTime(); t += DAY_MS) {
    const key = isoDay(new Date(t)).slice(0, monthly ? 7 : 10);
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys.map((key) => ({
    key,
    orders: num(found.get(key)?.orders),
    revenueCents: num(found.get(key)?.revenue),
  }));
}
