/**
 * Retention cohorts: the share of customers who bought again within 90 / 180 days of their
 * first order, for (a) customers acquired through ambassadors, (b) ambassadors before vs
 * after joining, and (c) every other customer of the same first-order months, with sample
 * sizes. Heavy (reads every repeat customer's orders): run by the metrics job and cached,
 * never on a page load.
 *
 * Counting orders follow the repeat-buyer rule (OrderHistory/customer-stats.server.ts): not
 * cancelled, not test, net of refunds > 0. Each customer's first counting order comes from
 * CustomerStats (kept up to date from the same facts); customers are read in keyset chunks
 * on its primary key, and the caller yields between chunks, so webhooks and pages keep
 * being served while it runs.
 */
import prisma from "../../db.server";
import {
  RETENTION_WINDOWS,
  rate,
  type CohortRow,
  type Retention,
  type WindowRates,
} from "./definitions";
import {
  daysBetween,
  jsonArrayElements,
  jsonField,
  jsonTextElements,
  positional,
  timestampParam,
  utcMonth,
} from "./sql-dialect.server";

/** A DateTime read by raw SQL (a Date, or the stored text) as the stored text. */
const storedText = (value: string | Date) => (value instanceof Date ? timestampParam(value) : value);

const DAY_MS = 86_400_000;
export const RETENTION_CHUNK = 2_000;

/** An order counts: not cancelled, not test, refunds (the larger of both sources) < total. */
const COUNTING_ORDER = `
  o."cancelledAt" IS NULL AND o."test" = false
  AND o."totalCents" > o."refundedCents"
  AND o."totalCents" > COALESCE((SELECT SUM(r."amountCents") FROM "RefundFact" r
                                 WHERE r."shop" = o."shop" AND r."orderId" = o."orderId"), 0)`;

interface Tally {
  /** Customers of the group, whether their windows are over or not. */
  members: number;
  repeaters: Record<number, number>;
  sample: Record<number, number>;
}

const newTally = (): Tally => ({ members: 0, repeaters: { 90: 0, 180: 0 }, sample: { 90: 0, 180: 0 } });

const rates = (tally: Tally): WindowRates => ({
  d90: rate(tally.repeaters[90], tally.sample[90]),
  d180: rate(tally.repeaters[180], tally.sample[180]),
});

function addTally(into: Tally, from: Tally) {
  into.members += from.members;
  for (const window of RETENTION_WINDOWS) {
    into.repeaters[window] += from.repeaters[window];
    into.sample[window] += from.sample[window];
  }
}

export interface RetentionRunOptions {
  now?: Date;
  chunkSize?: number;
  /** After each chunk: customers read so far, of the total. Await it to yield. */
  onProgress?: (done: number, total: number) => Promise<void> | void;
}

/** Customers whose first counting order used an ambassador's code (not their own). */
async function acquiredCustomers(shop: string): Promise<Set<string>> {
  const rows = await prisma.attributedOrder.findMany({
    where: { shop, newCustomer: true, selfReferral: false, netCents: { gt: 0 }, buyerCustomerId: { not: null } },
    select: { buyerCustomerId: true },
  });
  return new Set(rows.map((row) => row.buyerCustomerId as string));
}

/** Per customer, counting orders within 90 and 180 days of the first (the first included). */
async function ordersWithinWindows(
  shop: string,
  customers: { customerId: string; firstOrderAt: string }[],
): Promise<Map<string, { d90: number; d180: number }>> {
  if (customers.length === 0) return new Map();
  const first = jsonField(`c.value`, 1, "timestamp");
  const days = daysBetween(`o."processedAt"`, first);
  const rows = await prisma.$queryRawUnsafe<{ customerId: string; d90: unknown; d180: unknown }[]>(
    positional(`SELECT o."customerId" AS "customerId",
            SUM(CASE WHEN ${days} <= 90 THEN 1 ELSE 0 END) AS "d90",
            SUM(CASE WHEN ${days} <= 180 THEN 1 ELSE 0 END) AS "d180"
     FROM ${jsonArrayElements("c")}
     JOIN "OrderFact" o ON o."shop" = ? AND o."customerId" = ${jsonField(`c.value`, 0)}
     WHERE o."processedAt" >= ${first} AND ${COUNTING_ORDER}
     GROUP BY o."customerId"`),
    JSON.stringify(customers.map((c) => [c.customerId, c.firstOrderAt])),
    shop,
  );
  return new Map(rows.map((row) => [row.customerId, { d90: Number(row.d90), d180: Number(row.d180) }]));
}

/** (b): ambassadors who bought in the N days before joining, and in the N days after. */
async function ambassadorWindows(shop: string, now: Date) {
  const before = newTally();
  const after = newTally();
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, customerId: { not: null }, activatedAt: { not: null } },
    select: { customerId: true, activatedAt: true },
  });
  if (ambassadors.length === 0) return { before, after };
  const rows = await prisma.$queryRawUnsafe<{ customerId: string; processedAt: string | Date }[]>(
    positional(`SELECT o."customerId" AS "customerId", o."processedAt" AS "processedAt"
     FROM ${jsonTextElements("c")}
     JOIN "OrderFact" o ON o."shop" = ? AND o."customerId" = c.value
     WHERE ${COUNTING_ORDER}`),
    JSON.stringify(ambassadors.map((a) => a.customerId)),
    shop,
  );
  const orders = new Map<string, number[]>();
  for (const row of rows) {
    const list = orders.get(row.customerId) ?? [];
    list.push(new Date(row.processedAt).getTime());
    orders.set(row.customerId, list);
  }
  for (const ambassador of ambassadors) {
    const joined = (ambassador.activatedAt as Date).getTime();
    const times = orders.get(ambassador.customerId as string) ?? [];
    if (!times.some((t) => t <= joined)) continue; // not a customer before joining
    for (const window of RETENTION_WINDOWS) {
      if (joined + window * DAY_MS > now.getTime()) continue; // window not over yet
      before.sample[window] += 1;
      after.sample[window] += 1;
      if (times.some((t) => t <= joined && t > joined - window * DAY_MS)) before.repeaters[window] += 1;
      if (times.some((t) => t > joined && t <= joined + window * DAY_MS)) after.repeaters[window] += 1;
    }
  }
  return { before, after };
}

/** Computes the shop's retention figures from its facts (see the file comment). */
export async function computeRetention(shop: string, options: RetentionRunOptions = {}): Promise<Retention> {
  const now = options.now ?? new Date();
  const chunkSize = options.chunkSize ?? RETENTION_CHUNK;
  const [acquired, ambassadorRows, total] = await Promise.all([
    acquiredCustomers(shop),
    prisma.ambassador.findMany({ where: { shop, customerId: { not: null } }, select: { customerId: true } }),
    prisma.customerStats.count({ where: { shop, orderCount: { gt: 0 } } }),
  ]);
  const ambassadors = new Set(ambassadorRows.map((row) => row.customerId as string));
  const months = new Map<string, { acquired: Tally; others: Tally }>();
  const monthOf = (month: string) => {
    let cohort = months.get(month);
    if (!cohort) months.set(month, (cohort = { acquired: newTally(), others: newTally() }));
    return cohort;
  };

  let after = "";
  let done = 0;
  for (;;) {
    const chunk = await prisma.$queryRawUnsafe<
      { customerId: string; firstOrderAt: string | Date; month: string; orderCount: unknown }[]
    >(
      positional(`SELECT "customerId", "firstOrderAt", ${utcMonth(`"firstOrderAt"`)} AS "month", "orderCount"
       FROM "CustomerStats"
       WHERE "shop" = ? AND "customerId" > ? AND "orderCount" > 0 AND "firstOrderAt" IS NOT NULL
       ORDER BY "customerId" LIMIT ?`),
      shop, after, chunkSize,
    );
    if (chunk.length === 0) break;
    after = chunk[chunk.length - 1].customerId;
    const eligible = (row: (typeof chunk)[number], window: number) =>
      new Date(row.firstOrderAt).getTime() + window * DAY_MS <= now.getTime();
    const counted = chunk.filter((row) => !ambassadors.has(row.customerId) || acquired.has(row.customerId));
    const windows = await ordersWithinWindows(
      shop,
      counted
        .filter((row) => Number(row.orderCount) >= 2 && eligible(row, RETENTION_WINDOWS[0]))
        .map((row) => ({ customerId: row.customerId, firstOrderAt: storedText(row.firstOrderAt) })),
    );
    for (const row of counted) {
      const cohort = monthOf(row.month);
      const tally = acquired.has(row.customerId) ? cohort.acquired : cohort.others;
      tally.members += 1;
      for (const window of RETENTION_WINDOWS) {
        if (!eligible(row, window)) continue;
        tally.sample[window] += 1;
        const orders = windows.get(row.customerId)?.[window === 90 ? "d90" : "d180"] ?? 0;
        if (orders >= 2) tally.repeaters[window] += 1;
      }
    }
    done += chunk.length;
    await options.onProgress?.(done, total);
  }

  // (c) is compared on the months (a) has customers in.
  const cohorts: CohortRow[] = [];
  const acquiredTotal = newTally();
  const othersTotal = newTally();
  for (const [month, cohort] of [...months.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (cohort.acquired.members === 0) continue;
    addTally(acquiredTotal, cohort.acquired);
    addTally(othersTotal, cohort.others);
    cohorts.push({ month, acquired: rates(cohort.acquired), others: rates(cohort.others) });
  }
  const ambassadorsWindows = await ambassadorWindows(shop, now);
  return {
    computedAt: now.toISOString(),
    acquired: rates(acquiredTotal),
    others: rates(othersTotal),
    ambassadorsBefore: rates(ambassadorsWindows.before),
    ambassadorsAfter: rates(ambassadorsWindows.after),
    cohorts,
  };
}
