/**
 * The measurement models' aggregates, which Prisma's API cannot say: conditional sums,
 * sums over a join and a union, grouping by a computed day or month, and per-customer
 * windows. Tagged templates only: every value is a bound parameter. DateTime columns are
 * `timestamp(3)` in UTC; a Date bound as a parameter is read as one.
 */
import { Prisma } from "@prisma/client";
import prisma from "../../db.server";

/** [from, to): the start of the first day, and the start of the day after the last. */
export interface TimeRange {
  from: Date;
  to: Date;
  /** The shop's time zone (IANA), whose days and months the series groups by. */
  timeZone: string;
}

/** Aggregates come back as bigint or Decimal (or null on no rows): read them as numbers. */
const num = (value: unknown) => Number(value ?? 0);

export interface OrderSums {
  orders: number;
  revenueCents: number;
  newCustomers: number;
  discountCents: number;
}

type OrderSumsRow = { orders: unknown; revenue: unknown; newCustomers: unknown; discount: unknown };

const ORDER_SUMS = Prisma.sql`
  COUNT(*) AS "orders",
  SUM("netCents") AS "revenue",
  SUM(CASE WHEN "newCustomer" = true THEN 1 ELSE 0 END) AS "newCustomers",
  SUM("discountCents") AS "discount"`;

const orderSums = (row: OrderSumsRow | undefined): OrderSums => ({
  orders: num(row?.orders),
  revenueCents: num(row?.revenue),
  newCustomers: num(row?.newCustomers),
  discountCents: num(row?.discount),
});

/** The attributed orders that count (net > 0: not cancelled, test or fully refunded) in the range. */
function countingOrdersIn(shop: string, range: TimeRange): Prisma.Sql {
  return Prisma.sql`
  FROM "AttributedOrder"
  WHERE "shop" = ${shop} AND "processedAt" >= ${range.from} AND "processedAt" < ${range.to} AND "netCents" > 0`;
}

/** The shop's attributed orders, revenue, new customers and discount in the range. */
export async function shopOrderSums(shop: string, range: TimeRange): Promise<OrderSums> {
  const [row] = await prisma.$queryRaw<OrderSumsRow[]>`SELECT ${ORDER_SUMS} ${countingOrdersIn(shop, range)}`;
  return orderSums(row);
}

/** The `limit` ambassadors with the most attributed revenue in the range, best first. */
export async function topAmbassadorOrderSums(
  shop: string,
  range: TimeRange,
  limit: number,
): Promise<{ ambassadorId: string; sums: OrderSums }[]> {
  const rows = await prisma.$queryRaw<(OrderSumsRow & { ambassadorId: string })[]>`
    SELECT "ambassadorId", ${ORDER_SUMS} ${countingOrdersIn(shop, range)}
    GROUP BY "ambassadorId" ORDER BY "revenue" DESC, "ambassadorId" LIMIT ${limit}`;
  return rows.map((row) => ({ ambassadorId: row.ambassadorId, sums: orderSums(row) }));
}

/** The sums of the given ambassadors (those with no order in the range are left out). */
export async function ambassadorOrderSums(
  shop: string,
  range: TimeRange,
  ambassadorIds: string[],
): Promise<Map<string, OrderSums>> {
  if (ambassadorIds.length === 0) return new Map();
  const rows = await prisma.$queryRaw<(OrderSumsRow & { ambassadorId: string })[]>`
    SELECT "ambassadorId", ${ORDER_SUMS} ${countingOrdersIn(shop, range)}
      AND "ambassadorId" = ANY(${ambassadorIds}::text[])
    GROUP BY "ambassadorId"`;
  return new Map(rows.map((row) => [row.ambassadorId, orderSums(row)]));
}

/**
 * Reward cost of the range: ledger entries (commission, adjustment; not void) of the
 * range's attributed orders, plus milestone bonuses created in the range. Keyed by
 * ambassador when `ambassadorIds` is given (only theirs), else one total under null.
 */
export async function rewardCosts(
  shop: string,
  range: TimeRange,
  ambassadorIds?: string[],
): Promise<Map<string | null, number>> {
  const group = ambassadorIds ? Prisma.sql`r."ambassadorId"` : Prisma.sql`NULL`;
  const byAmbassador = () =>
    ambassadorIds ? Prisma.sql`AND r."ambassadorId" = ANY(${ambassadorIds}::text[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<{ ambassadorId: string | null; cost: unknown }[]>`
    SELECT "ambassadorId", SUM("cost") AS "cost" FROM (
      SELECT ${group} AS "ambassadorId", r."amountCents" AS "cost"
      FROM "AttributedOrder" a
      JOIN "RewardEntry" r ON r."shop" = a."shop" AND r."orderId" = a."orderId"
      WHERE a."shop" = ${shop} AND a."processedAt" >= ${range.from} AND a."processedAt" < ${range.to}
        AND r."kind" IN ('commission', 'adjustment') AND r."status" <> 'void' ${byAmbassador()}
      UNION ALL
      SELECT ${group} AS "ambassadorId", r."amountCents" AS "cost"
      FROM "RewardEntry" r
      WHERE r."shop" = ${shop} AND r."kind" = 'milestone' AND r."status" <> 'void'
        AND r."createdAt" >= ${range.from} AND r."createdAt" < ${range.to} ${byAmbassador()}
    ) AS "costs" GROUP BY "ambassadorId"`;
  return new Map(rows.map((row) => [row.ambassadorId, num(row.cost)]));
}

/** Attributed orders and revenue per day (YYYY-MM-DD) or month (YYYY-MM) of the shop's calendar. */
export async function revenueByBucket(
  shop: string,
  range: TimeRange,
  bucket: "day" | "month",
): Promise<Map<string, { orders: number; revenueCents: number }>> {
  // processedAt holds UTC: read it as UTC, then as the shop's wall clock.
  const local = Prisma.sql`(("processedAt" AT TIME ZONE 'UTC') AT TIME ZONE ${range.timeZone})`;
  const key = bucket === "month" ? Prisma.sql`to_char(${local}, 'YYYY-MM')` : Prisma.sql`to_char(${local}, 'YYYY-MM-DD')`;
  const rows = await prisma.$queryRaw<{ key: string; orders: unknown; revenue: unknown }[]>`
    SELECT ${key} AS "key", COUNT(*) AS "orders", SUM("netCents") AS "revenue"
    ${countingOrdersIn(shop, range)} GROUP BY 1 ORDER BY 1`;
  return new Map(rows.map((row) => [row.key, { orders: num(row.orders), revenueCents: num(row.revenue) }]));
}

/**
 * An order of the customer counts: not cancelled, not test, refunds (the larger of the
 * order's own figure and its refunds' sum) below its total. `o` is the OrderFact.
 */
const COUNTING_ORDER = Prisma.sql`
  o."cancelledAt" IS NULL AND o."test" = false
  AND o."totalCents" > o."refundedCents"
  AND o."totalCents" > COALESCE((SELECT SUM(r."amountCents") FROM "RefundFact" r
                                 WHERE r."shop" = o."shop" AND r."orderId" = o."orderId"), 0)`;

/**
 * Per customer, their counting orders within 90 and 180 days of `firstOrderAt` (that
 * order included). Customers without one are left out.
 */
export async function countingOrdersWithinWindows(
  shop: string,
  customers: { customerId: string; firstOrderAt: Date }[],
): Promise<Map<string, { d90: number; d180: number }>> {
  if (customers.length === 0) return new Map();
  const ids = customers.map((c) => c.customerId);
  const firsts = customers.map((c) => c.firstOrderAt);
  const days = Prisma.sql`(EXTRACT(EPOCH FROM (o."processedAt" - c."firstOrderAt")) / 86400.0)`;
  const rows = await prisma.$queryRaw<{ customerId: string; d90: unknown; d180: unknown }[]>`
    SELECT o."customerId" AS "customerId",
           SUM(CASE WHEN ${days} <= 90 THEN 1 ELSE 0 END) AS "d90",
           SUM(CASE WHEN ${days} <= 180 THEN 1 ELSE 0 END) AS "d180"
    FROM unnest(${ids}::text[], ${firsts}::timestamp(3)[]) AS c("customerId", "firstOrderAt")
    JOIN "OrderFact" o ON o."shop" = ${shop} AND o."customerId" = c."customerId"
    WHERE o."processedAt" >= c."firstOrderAt" AND ${COUNTING_ORDER}
    GROUP BY o."customerId"`;
  return new Map(rows.map((row) => [row.customerId, { d90: num(row.d90), d180: num(row.d180) }]));
}

/** The counting orders of the given customers: who, and when. */
export async function countingOrdersOf(
  shop: string,
  customerIds: string[],
): Promise<{ customerId: string; processedAt: Date }[]> {
  if (customerIds.length === 0) return [];
  return prisma.$queryRaw<{ customerId: string; processedAt: Date }[]>`
    SELECT o."customerId" AS "customerId", o."processedAt" AS "processedAt"
    FROM "OrderFact" o
    WHERE o."shop" = ${shop} AND o."customerId" = ANY(${customerIds}::text[]) AND ${COUNTING_ORDER}`;
}
