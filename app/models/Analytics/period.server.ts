/**
 * Period figures: clicks, attributed orders, revenue, new customers, discount and reward
 * cost, ROI and conversion, for the shop and per ambassador. Computed live: every query is
 * a range on an index ((shop, processedAt), (shop, day), (shop, ambassadorId, …)), so a
 * 90-day period reads that period's rows only, whatever the size of the history
 * (`npm run bench loaders` measures it on 1M orders).
 */
import prisma from "../../db.server";
import { addDays, daysBetween, isDay, shopDay, startOfShopDay } from "../../utils/shop-days";
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
import {
  ambassadorOrderSums,
  revenueByBucket,
  rewardCosts,
  shopOrderSums,
  topAmbassadorOrderSums,
  type OrderSums,
  type TimeRange,
} from "./queries.server";

/** The longest custom range (about three years). */
export const MAX_PERIOD_DAYS = 1_100;
/** Longer periods are charted by month instead of by day. */
const DAILY_SERIES_MAX_DAYS = 120;

/** The last `days` days of the shop's calendar (`timeZone`), today included. */
export function presetPeriod(preset: PeriodPreset, now = new Date(), timeZone = "UTC"): Period {
  const days = PRESET_DAYS[preset];
  const to = shopDay(now, timeZone);
  return { key: preset, from: addDays(to, -(days - 1)), to, days, timeZone };
}

export type PeriodParse = { period: Period; error: string | null };

/**
 * `?period=7d|30d|90d` or `?period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD` (both days
 * included). Anything invalid falls back to the last 30 days, with the reason.
 */
export function parsePeriod(params: URLSearchParams, now = new Date(), timeZone = "UTC"): PeriodParse {
  const key = params.get("period") ?? "30d";
  if ((PERIOD_PRESETS as readonly string[]).includes(key)) {
    return { period: presetPeriod(key as PeriodPreset, now, timeZone), error: null };
  }
  const fallback = (error: string) => ({ period: presetPeriod("30d", now, timeZone), error });
  if (key !== "custom") return fallback(`Unknown period "${key}": showing the last 30 days.`);
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  if (!isDay(from) || !isDay(to)) {
    return fallback("Custom range needs a start and end date (YYYY-MM-DD): showing the last 30 days.");
  }
  const days = daysBetween(from, to) + 1;
  if (days < 1) return fallback("The custom range ends before it starts: showing the last 30 days.");
  if (days > MAX_PERIOD_DAYS) {
    return fallback(`Custom ranges are at most ${MAX_PERIOD_DAYS} days: showing the last 30 days.`);
  }
  return { period: { key: "custom", from, to, days, timeZone }, error: null };
}

/** [start of `from`, start of the day after `to`), both at the shop's midnight. */
function rangeOf(period: Period): TimeRange {
  return {
    from: startOfShopDay(period.from, period.timeZone),
    to: startOfShopDay(addDays(period.to, 1), period.timeZone),
    timeZone: period.timeZone,
  };
}

async function clickCounts(
  shop: string,
  period: Period,
  ambassadorIds?: string[],
): Promise<Map<string | null, number>> {
  // A click's `day` is its UTC day (the once-a-day key): the UTC days around the period
  // keep the read on the (shop, day) index, its time puts it in the shop's days.
  const range = rangeOf(period);
  const inPeriod = {
    shop,
    day: { gte: addDays(period.from, -1), lte: addDays(period.to, 1) },
    createdAt: { gte: range.from, lt: range.to },
  };
  if (!ambassadorIds) {
    const clicks = await prisma.shareClick.count({ where: inPeriod });
    return new Map([[null, clicks]]);
  }
  const rows = await prisma.shareClick.groupBy({
    by: ["ambassadorId"],
    where: { ...inPeriod, ambassadorId: { in: ambassadorIds } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.ambassadorId, row._count._all]));
}

function figures(totals: OrderSums, clicks: number, rewardCents: number): Figures {
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
  const range = rangeOf(period);
  const [totals, clicks, rewards] = await Promise.all([
    shopOrderSums(shop, range),
    clickCounts(shop, period),
    rewardCosts(shop, range),
  ]);
  return figures(totals, clicks.get(null) ?? 0, rewards.get(null) ?? 0);
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
  totals: Map<string, OrderSums>,
): Promise<AmbassadorFigures[]> {
  if (ids.length === 0) return [];
  const [clicks, rewards, names] = await Promise.all([
    clickCounts(shop, period, ids),
    rewardCosts(shop, rangeOf(period), ids),
    withNames(shop, ids),
  ]);
  const none: OrderSums = { orders: 0, revenueCents: 0, newCustomers: 0, discountCents: 0 };
  return ids.map((id) => ({
    ambassadorId: id,
    name: names.get(id)?.name ?? "Removed ambassador",
    code: names.get(id)?.code ?? null,
    ...figures(totals.get(id) ?? none, clicks.get(id) ?? 0, rewards.get(id) ?? 0),
  }));
}

/** The ambassadors with the most attributed revenue in the period, best first. */
export async function topAmbassadors(shop: string, period: Period, limit = 10): Promise<AmbassadorFigures[]> {
  const top = await topAmbassadorOrderSums(shop, rangeOf(period), limit);
  const totals = new Map(top.map((row) => [row.ambassadorId, row.sums]));
  return figuresOf(shop, period, top.map((row) => row.ambassadorId), totals);
}

/** Figures of the given ambassadors for the period (e.g. an ambassador's own page). */
export async function ambassadorFigures(
  shop: string,
  period: Period,
  ambassadorIds: string[],
): Promise<AmbassadorFigures[]> {
  if (ambassadorIds.length === 0) return [];
  const totals = await ambassadorOrderSums(shop, rangeOf(period), ambassadorIds);
  return figuresOf(shop, period, ambassadorIds, totals);
}

/**
 * Attributed revenue and orders per day of the shop's calendar in the period (per month
 * past 120 days), every day or month present (zero when nothing sold).
 */
export async function revenueSeries(shop: string, period: Period): Promise<SeriesPoint[]> {
  const monthly = period.days > DAILY_SERIES_MAX_DAYS;
  const found = await revenueByBucket(shop, rangeOf(period), monthly ? "month" : "day");
  const keys: string[] = [];
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) {
    const key = day.slice(0, monthly ? 7 : 10);
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys.map((key) => ({
    key,
    orders: found.get(key)?.orders ?? 0,
    revenueCents: found.get(key)?.revenueCents ?? 0,
  }));
}
