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
import { shopDay } from "../../utils/shop-days";
import {
  RETENTION_WINDOWS,
  rate,
  type CohortRow,
  type Retention,
  type WindowRates,
} from "./definitions";
import { countingOrdersOf, countingOrdersWithinWindows } from "./queries.server";

const DAY_MS = 86_400_000;
export const RETENTION_CHUNK = 2_000;

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
  /** The shop's time zone (IANA): a cohort is a month of the shop's calendar. UTC if unset. */
  timeZone?: string;
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

/** (b): ambassadors who bought in the N days before joining, and in the N days after. */
async function ambassadorWindows(shop: string, now: Date) {
  const before = newTally();
  const after = newTally();
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, customerId: { not: null }, activatedAt: { not: null } },
    select: { customerId: true, activatedAt: true },
  });
  if (ambassadors.length === 0) return { before, after };
  const rows = await countingOrdersOf(
    shop,
    ambassadors.map((a) => a.customerId as string),
  );
  const orders = new Map<string, number[]>();
  for (const row of rows) {
    const list = orders.get(row.customerId) ?? [];
    list.push(row.processedAt.getTime());
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
  const timeZone = options.timeZone ?? "UTC";
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
    const chunk = await prisma.customerStats.findMany({
      where: { shop, customerId: { gt: after }, orderCount: { gt: 0 }, firstOrderAt: { not: null } },
      orderBy: { customerId: "asc" },
      take: chunkSize,
      select: { customerId: true, firstOrderAt: true, orderCount: true },
    });
    if (chunk.length === 0) break;
    after = chunk[chunk.length - 1].customerId;
    const firstOrderAt = (row: (typeof chunk)[number]) => row.firstOrderAt as Date;
    const eligible = (row: (typeof chunk)[number], window: number) =>
      firstOrderAt(row).getTime() + window * DAY_MS <= now.getTime();
    const counted = chunk.filter((row) => !ambassadors.has(row.customerId) || acquired.has(row.customerId));
    const windows = await countingOrdersWithinWindows(
      shop,
      counted
        .filter((row) => row.orderCount >= 2 && eligible(row, RETENTION_WINDOWS[0]))
        .map((row) => ({ customerId: row.customerId, firstOrderAt: firstOrderAt(row) })),
    );
    for (const row of counted) {
      const cohort = monthOf(shopDay(firstOrderAt(row), timeZone).slice(0, 7));
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
