/**
 * Fraud flags: something the merchant should look at. Raised by attribution (inside the
 * webhook's or the reconciliation's transaction), keyed by what caused them, so a replay
 * never raises a flag twice:
 * - "self_referral": an ambassador's code on their own order (sourceKey = the order id);
 * - "leak": a code suddenly used by many unrelated new customers (sourceKey =
 *   `<code>:<UTC day>`), either more than RewardSettings.leakOrdersPerDay in 24 hours, or a
 *   spike against the code's own history.
 * Pausing a leaked code calls Shopify, so it never happens here: the caller gets the
 * ambassadors to pause and does it after its transaction (see auto-pause.server.ts).
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import type { FraudFlagKind, FraudFlagView } from "./flag-view";

type Db = Prisma.TransactionClient;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type { FraudFlagKind, FraudFlagView } from "./flag-view";
export const FRAUD_FLAG_KINDS = ["self_referral", "leak"] as const satisfies readonly FraudFlagKind[];

/** The spike rule: at least this many orders in 24 h … */
export const SPIKE_MIN_ORDERS = 5;
/** … and this many times the code's daily average over the previous days … */
export const SPIKE_FACTOR = 10;
/** … over up to this many days before the 24 h window … */
export const SPIKE_HISTORY_DAYS = 30;
/** … once the code has existed that long at least (else there is no history to compare to). */
export const SPIKE_MIN_HISTORY_DAYS = 7;

export interface LeakSettings {
  leakOrdersPerDay: number;
  leakAutoPause: boolean;
}

export async function leakSettings(db: Db, shop: string): Promise<LeakSettings> {
  const row = await db.rewardSettings.findUnique({
    where: { shop },
    select: { leakOrdersPerDay: true, leakAutoPause: true },
  });
  return { leakOrdersPerDay: row?.leakOrdersPerDay ?? 20, leakAutoPause: row?.leakAutoPause ?? false };
}

/** Creates the flag unless one with the same kind and key exists; true when created. */
async function raiseFlag(
  db: Db,
  shop: string,
  flag: { ambassadorId: string; kind: FraudFlagKind; sourceKey: string; detail: string },
): Promise<boolean> {
  const existing = await db.fraudFlag.findUnique({
    where: { shop_kind_sourceKey: { shop, kind: flag.kind, sourceKey: flag.sourceKey } },
    select: { id: true },
  });
  if (existing) return false;
  await db.fraudFlag.create({ data: { shop, ...flag } });
  return true;
}

export async function flagSelfReferral(
  db: Db,
  shop: string,
  order: { orderId: string; ambassadorId: string; code: string; orderName?: string | null },
): Promise<boolean> {
  return raiseFlag(db, shop, {
    ambassadorId: order.ambassadorId,
    kind: "self_referral",
    sourceKey: order.orderId,
    detail: `Order ${order.orderName ?? order.orderId} used the ambassador's own code ${order.code}: it is attributed but earns nothing.`,
  });
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The new-customer orders of the checks' codes that any of their windows can hold (one
 * query for all the checks), per code, in processedAt order.
 */
async function windowOrders(db: Db, shop: string, checks: LeakCheck[]) {
  const times = checks.map((check) => check.at.getTime());
  const rows = await db.attributedOrder.findMany({
    where: {
      shop,
      code: { in: [...new Set(checks.map((check) => check.code))] },
      newCustomer: true,
      selfReferral: false,
      buyerCustomerId: { not: null },
      processedAt: { gt: new Date(Math.min(...times) - DAY), lte: new Date(Math.max(...times) + DAY) },
    },
    orderBy: [{ processedAt: "asc" }, { orderId: "asc" }],
    select: { code: true, buyerCustomerId: true, processedAt: true },
  });
  const byCode = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = byCode.get(row.code);
    if (list) list.push(row);
    else byCode.set(row.code, [row]);
  }
  return byCode;
}

/**
 * The busiest 24-hour window of `code` that ends in [at, at + 24 h]: the windows an order
 * processed at `at` belongs to. Counts distinct buyers of orders with newCustomer (self-
 * referrals and guests left out). Looking at every window containing the order (not only
 * the one ending at it) finds the leak whatever order the deliveries came in.
 */
function busiestWindow(codeOrders: { buyerCustomerId: string | null; processedAt: Date }[], at: Date) {
  const rows = codeOrders.filter(
    (row) => row.processedAt.getTime() > at.getTime() - DAY && row.processedAt.getTime() <= at.getTime() + DAY,
  );
  let best = { buyers: 0, end: at };
  const inWindow = new Map<string, number>();
  let start = 0;
  for (let end = 0; end < rows.length; end++) {
    const endAt = rows[end].processedAt.getTime();
    const buyer = rows[end].buyerCustomerId as string;
    inWindow.set(buyer, (inWindow.get(buyer) ?? 0) + 1);
    while (rows[start].processedAt.getTime() <= endAt - DAY) {
      const leaving = rows[start].buyerCustomerId as string;
      const left = (inWindow.get(leaving) ?? 1) - 1;
      if (left === 0) inWindow.delete(leaving);
      else inWindow.set(leaving, left);
      start++;
    }
    if (endAt >= at.getTime() && inWindow.size > best.buyers) {
      best = { buyers: inWindow.size, end: rows[end].processedAt };
    }
  }
  return best;
}

/** The code's new-customer orders per day over the history before `windowStart`, or null. */
async function dailyAverageBefore(db: Db, shop: string, code: string, windowStart: Date) {
  const created = await db.ambassadorCode.findUnique({ where: { shop_code: { shop, code } }, select: { createdAt: true } });
  const oldest = await db.attributedOrder.aggregate({ where: { shop, code }, _min: { processedAt: true } });
  const time = (value: Date | null | undefined) => value?.getTime() ?? Infinity;
  // The code existed since it was created in the app, or since its first order (an older
  // code from before the app's records, e.g. after a reinstall), whichever is earlier.
  const since = Math.min(time(created?.createdAt), time(oldest._min.processedAt));
  const days = Math.min(SPIKE_HISTORY_DAYS, (windowStart.getTime() - since) / DAY);
  if (!Number.isFinite(days) || days < SPIKE_MIN_HISTORY_DAYS) return null;
  const count = await db.attributedOrder.count({
    where: {
      shop,
      code,
      newCustomer: true,
      selfReferral: false,
      processedAt: { gt: new Date(windowStart.getTime() - days * DAY), lte: windowStart },
    },
  });
  return { perDay: count / days, days: Math.round(days) };
}

export interface LeakCheck {
  code: string;
  ambassadorId: string;
  /** The latest processedAt among the orders just attributed with this code. */
  at: Date;
}

/**
 * Leak detection for the codes just used. Returns the ambassadors whose code a NEW flag
 * asks to pause (only with leakAutoPause, and only while they are active): a merchant who
 * reactivates after a flag is not overruled by the same day's later orders.
 */
export async function detectLeaks(db: Db, shop: string, checks: LeakCheck[]): Promise<string[]> {
  if (checks.length === 0) return [];
  const settings = await leakSettings(db, shop);
  const orders = await windowOrders(db, shop, checks);
  const toPause = new Set<string>();
  for (const check of checks) {
    const window = busiestWindow(orders.get(check.code) ?? [], check.at);
    if (window.buyers === 0) continue;
    let detail: string | null = null;
    if (window.buyers > settings.leakOrdersPerDay) {
      detail =
        `Code ${check.code} was used by ${window.buyers} different new customers within 24 hours ` +
        `(more than ${settings.leakOrdersPerDay}): it may have been shared publicly.`;
    } else if (window.buyers >= SPIKE_MIN_ORDERS) {
      const windowStart = new Date(window.end.getTime() - DAY);
      const history = await dailyAverageBefore(db, shop, check.code, windowStart);
      if (history && window.buyers >= SPIKE_FACTOR * history.perDay) {
        detail =
          `Code ${check.code} was used by ${window.buyers} different new customers within 24 hours, ` +
          `against ${history.perDay.toFixed(1)} a day over the ${history.days} days before: it may have been shared publicly.`;
      }
    }
    if (!detail) continue;
    const created = await raiseFlag(db, shop, {
      ambassadorId: check.ambassadorId,
      kind: "leak",
      sourceKey: `${check.code}:${utcDay(window.end)}`,
      detail,
    });
    if (created && settings.leakAutoPause) {
      const ambassador = await db.ambassador.findFirst({
        where: { shop, id: check.ambassadorId },
        select: { status: true },
      });
      if (ambassador?.status === "active") toPause.add(check.ambassadorId);
    }
  }
  return [...toPause];
}

// ---- For the dashboard and the ambassador detail page ----------------------------------------

const LABELS: Record<FraudFlagKind, string> = { self_referral: "Self-referral", leak: "Leaked code" };

/** The shop's flags, newest first; `unresolved` leaves out the ones the merchant resolved. */
export async function listFraudFlags(
  shop: string,
  options: { ambassadorId?: string; unresolved?: boolean; take?: number } = {},
): Promise<FraudFlagView[]> {
  const flags = await prisma.fraudFlag.findMany({
    where: {
      shop,
      ...(options.ambassadorId ? { ambassadorId: options.ambassadorId } : {}),
      ...(options.unresolved ? { resolvedAt: null } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 100,
  });
  const ambassadors = await prisma.ambassador.findMany({
    where: { shop, id: { in: [...new Set(flags.map((f) => f.ambassadorId))] } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  const names = new Map(
    ambassadors.map((a) => [
      a.id,
      [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || a.code || "Ambassador",
    ]),
  );
  return flags.map((flag) => ({
    id: flag.id,
    ambassadorId: flag.ambassadorId,
    ambassadorName: names.get(flag.ambassadorId) ?? "Removed ambassador",
    kind: flag.kind as FraudFlagKind,
    label: LABELS[flag.kind as FraudFlagKind] ?? flag.kind,
    detail: flag.detail,
    createdAt: flag.createdAt.toISOString(),
    resolvedAt: flag.resolvedAt?.toISOString() ?? null,
  }));
}

/** Marks a flag looked at. False when the shop has no such flag. */
export async function resolveFraudFlag(shop: string, id: string): Promise<boolean> {
  const { count } = await prisma.fraudFlag.updateMany({
    where: { shop, id, resolvedAt: null },
    data: { resolvedAt: new Date() },
  });
  if (count > 0) return true;
  return (await prisma.fraudFlag.count({ where: { shop, id } })) > 0;
}
