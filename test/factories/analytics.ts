/**
 * Rows the measurement dashboard reads, inserted directly: ambassadors, order facts,
 * attributed orders, reward entries and share clicks. Dates are ISO strings (UTC); money
 * is minor units. `recomputeStats` derives CustomerStats from the facts as a sync does.
 */
import prisma from "~/db.server";
import { recomputeAllCustomers } from "~/models/OrderHistory/customer-stats.server";

const at = (iso: string) => new Date(iso);

export async function seedAmbassador(
  shop: string,
  a: { id: string; customerId: string | null; firstName: string; lastName?: string; code: string; activatedAt: string | null },
) {
  await prisma.ambassador.create({
    data: {
      id: a.id,
      shop,
      customerId: a.customerId,
      status: "active",
      source: "candidate",
      firstName: a.firstName,
      lastName: a.lastName ?? null,
      email: `${a.firstName.toLowerCase()}@example.com`,
      code: a.code,
      activatedAt: a.activatedAt ? at(a.activatedAt) : null,
    },
  });
}

export interface FactInput {
  orderId: string;
  customerId: string | null;
  processedAt: string;
  totalCents: number;
  refundedCents?: number;
  cancelled?: boolean;
  test?: boolean;
  code?: string;
}

export async function seedOrderFacts(shop: string, facts: FactInput[]) {
  await prisma.orderFact.createMany({
    data: facts.map((f) => ({
      shop,
      orderId: f.orderId,
      customerId: f.customerId,
      processedAt: at(f.processedAt),
      totalCents: BigInt(f.totalCents),
      refundedCents: BigInt(f.refundedCents ?? 0),
      cancelledAt: f.cancelled ? at(f.processedAt) : null,
      test: f.test ?? false,
      discountCodes: f.code ?? "",
      sourceUpdatedAt: at(f.processedAt),
    })),
  });
}

export interface AttributedInput {
  orderId: string;
  ambassadorId: string;
  code: string;
  buyerCustomerId: string | null;
  processedAt: string;
  netCents: number;
  discountCents: number;
  newCustomer?: boolean;
  selfReferral?: boolean;
  cancelled?: boolean;
}

export async function seedAttributedOrders(shop: string, orders: AttributedInput[]) {
  await prisma.attributedOrder.createMany({
    data: orders.map((o) => ({
      shop,
      orderId: o.orderId,
      ambassadorId: o.ambassadorId,
      code: o.code,
      buyerCustomerId: o.buyerCustomerId,
      processedAt: at(o.processedAt),
      newCustomer: o.newCustomer ?? false,
      selfReferral: o.selfReferral ?? false,
      discountCents: BigInt(o.discountCents),
      netCents: BigInt(o.netCents),
      cancelledAt: o.cancelled ? at(o.processedAt) : null,
    })),
  });
}

export interface RewardInput {
  ambassadorId: string;
  orderId?: string | null;
  kind: "commission" | "adjustment" | "milestone" | "payout";
  amountCents: number;
  status?: "pending" | "approved" | "paid" | "void";
  createdAt?: string;
}

let rewardSeq = 0;
export async function seedRewards(shop: string, entries: RewardInput[]) {
  await prisma.rewardEntry.createMany({
    data: entries.map((e) => ({
      shop,
      ambassadorId: e.ambassadorId,
      orderId: e.orderId ?? null,
      sourceKey: `test:${++rewardSeq}:${e.kind}:${e.orderId ?? ""}`,
      kind: e.kind,
      amountCents: BigInt(e.amountCents),
      status: e.status ?? "approved",
      createdAt: e.createdAt ? at(e.createdAt) : undefined,
    })),
  });
}

/** `count` distinct visitors' clicks on the ambassador's link on that UTC day, at noon (UTC). */
export async function seedClicks(shop: string, ambassadorId: string, day: string, count: number, code = "CODE") {
  const createdAt = new Date(`${day}T12:00:00.000Z`);
  await prisma.shareClick.createMany({
    data: Array.from({ length: count }, (_, i) => ({ shop, ambassadorId, day, visitorHash: `v${i}`, code, createdAt })),
  });
}

export async function seedCurrency(shop: string, currencyCode: string) {
  await prisma.programSettings.upsert({
    where: { shop },
    create: { shop, currencyCode },
    update: { currencyCode },
  });
}

export async function seedFraudFlag(
  shop: string,
  flag: { ambassadorId: string; kind: string; sourceKey: string; detail: string; createdAt: string; resolved?: boolean },
) {
  await prisma.fraudFlag.create({
    data: {
      shop,
      ambassadorId: flag.ambassadorId,
      kind: flag.kind,
      sourceKey: flag.sourceKey,
      detail: flag.detail,
      createdAt: at(flag.createdAt),
      resolvedAt: flag.resolved ? at(flag.createdAt) : null,
    },
  });
}

/** CustomerStats from the facts, as the end of a history sync computes them. */
export async function recomputeStats(shop: string, now: Date) {
  await recomputeAllCustomers(prisma, shop, { minOrders: 2, minSpentCents: 0, recencyDays: 365 }, now);
}

/**
 * The measurement scenario the dashboard tests read; the answers are worked out by hand in
 * the tests that use it. Every date is relative to `now`, so the same answers hold on any
 * day: the 30-day period is the 30 UTC days ending with `now`'s; first orders of a cohort
 * share one day (so one month).
 *
 * Ambassadors: Jane Doe (JANE100, customer 9001, joined 211 days ago), Max Power (MAX200,
 * 9002, joined 60 days ago), Ola (OLA300, 9003, joined 241 days ago), Ivy (IVY400, 9004,
 * joined 270 days ago).
 */
export const NOW = new Date("2026-06-30T12:00:00.000Z");

const DAY_MS = 86_400_000;

/** Retention cohorts: first orders 300 and 112 days before `now` (and 360 for 206). */
export const COHORT_DAYS = { first: 300, second: 112, unmatched: 360 } as const;

export function scenarioDates(now: Date) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  /** `days` before now's UTC day, at hh:00 UTC, as ISO. */
  const ago = (days: number, hour = 10) => new Date(today - days * DAY_MS + hour * 3_600_000).toISOString();
  const day = (days: number) => new Date(today - days * DAY_MS).toISOString().slice(0, 10);
  /** `plus` days after a moment `days` ago. */
  const after = (days: number, plus: number, hour = 10) => ago(days - plus, hour);
  return { ago, day, after, month: (days: number) => day(days).slice(0, 7) };
}

export async function seedAnalyticsScenario(shop: string, now: Date = NOW) {
  const { ago, day, after } = scenarioDates(now);
  const D1 = COHORT_DAYS.first;
  const D2 = COHORT_DAYS.second;
  const D0 = COHORT_DAYS.unmatched;
  await seedAmbassador(shop, { id: `${shop}:jane`, customerId: "9001", firstName: "Jane", lastName: "Doe", code: "JANE100", activatedAt: ago(211, 0) });
  await seedAmbassador(shop, { id: `${shop}:max`, customerId: "9002", firstName: "Max", lastName: "Power", code: "MAX200", activatedAt: ago(60, 0) });
  await seedAmbassador(shop, { id: `${shop}:ola`, customerId: "9003", firstName: "Ola", code: "OLA300", activatedAt: ago(241, 0) });
  await seedAmbassador(shop, { id: `${shop}:ivy`, customerId: "9004", firstName: "Ivy", code: "IVY400", activatedAt: ago(270, 0) });
  const jane = `${shop}:jane`;
  const max = `${shop}:max`;

  // The period's attributed orders (the last 30 days) and one before it.
  await seedAttributedOrders(shop, [
    { orderId: "o1", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c1", processedAt: ago(25), netCents: 10_000, discountCents: 1_000, newCustomer: true },
    { orderId: "o2", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c2", processedAt: ago(20), netCents: 5_000, discountCents: 500 },
    { orderId: "o3", ambassadorId: max, code: "MAX200", buyerCustomerId: "c3", processedAt: ago(15), netCents: 20_000, discountCents: 2_000, newCustomer: true },
    { orderId: "o4", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c4", processedAt: ago(10), netCents: 0, discountCents: 800, newCustomer: true, cancelled: true },
    { orderId: "o5", ambassadorId: max, code: "MAX200", buyerCustomerId: "c5", processedAt: ago(40), netCents: 7_000, discountCents: 700, newCustomer: true },
  ]);
  await seedRewards(shop, [
    { ambassadorId: jane, orderId: "o1", kind: "commission", amountCents: 1_000 },
    { ambassadorId: jane, orderId: "o2", kind: "commission", amountCents: 500, status: "pending" },
    { ambassadorId: max, orderId: "o3", kind: "commission", amountCents: 2_000 },
    { ambassadorId: max, orderId: "o3", kind: "adjustment", amountCents: -500 },
    { ambassadorId: jane, orderId: "o4", kind: "commission", amountCents: 800, status: "void" },
    { ambassadorId: max, orderId: "o5", kind: "commission", amountCents: 700 },
    { ambassadorId: jane, kind: "milestone", amountCents: 1_500, createdAt: ago(5) },
    { ambassadorId: jane, kind: "milestone", amountCents: 9_999, createdAt: ago(66) },
    { ambassadorId: jane, kind: "payout", amountCents: -2_500, status: "paid", createdAt: ago(4) },
  ]);
  await seedClicks(shop, jane, day(29), 4, "JANE100"); // the period's first day
  await seedClicks(shop, jane, day(0), 6, "JANE100"); // today
  await seedClicks(shop, max, day(18), 5, "MAX200");
  await seedClicks(shop, max, day(30), 3, "MAX200"); // the day before the period

  // Retention: customers acquired through codes (101–104), other customers (201–206) and
  // the ambassadors' own orders (9001, 9003, 9004).
  await seedAttributedOrders(shop, [
    { orderId: "r101a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "101", processedAt: ago(D1, 9), netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r102a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "102", processedAt: ago(D1, 10), netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r103a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "103", processedAt: ago(D1, 11), netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r104a", ambassadorId: max, code: "MAX200", buyerCustomerId: "104", processedAt: ago(D2, 10), netCents: 5_000, discountCents: 500, newCustomer: true },
  ]);
  await seedOrderFacts(shop, [
    { orderId: "r101a", customerId: "101", processedAt: ago(D1, 9), totalCents: 5_000, code: "JANE100" },
    { orderId: "r101b", customerId: "101", processedAt: after(D1, 46), totalCents: 3_000 },
    { orderId: "r102a", customerId: "102", processedAt: ago(D1, 10), totalCents: 5_000, code: "JANE100" },
    { orderId: "r102b", customerId: "102", processedAt: after(D1, 123), totalCents: 3_000 },
    { orderId: "r103a", customerId: "103", processedAt: ago(D1, 11), totalCents: 5_000, code: "JANE100" },
    { orderId: "r104a", customerId: "104", processedAt: ago(D2, 10), totalCents: 5_000, code: "MAX200" },
    { orderId: "r104b", customerId: "104", processedAt: after(D2, 22), totalCents: 3_000 },

    { orderId: "r201a", customerId: "201", processedAt: ago(D1, 12), totalCents: 4_000 },
    { orderId: "r201b", customerId: "201", processedAt: after(D1, 19), totalCents: 4_000 },
    { orderId: "r202a", customerId: "202", processedAt: ago(D1, 13), totalCents: 4_000 },
    { orderId: "r202b", customerId: "202", processedAt: after(D1, 8), totalCents: 4_000, cancelled: true },
    { orderId: "r202c", customerId: "202", processedAt: after(D1, 211), totalCents: 4_000 },
    { orderId: "r203a", customerId: "203", processedAt: ago(D1, 14), totalCents: 4_000 },
    { orderId: "r204a", customerId: "204", processedAt: ago(D1, 15), totalCents: 4_000 },
    { orderId: "r204b", customerId: "204", processedAt: after(D1, 26), totalCents: 4_000, refundedCents: 4_000 },
    { orderId: "r204c", customerId: "204", processedAt: after(D1, 28), totalCents: 4_000, test: true },
    { orderId: "r205a", customerId: "205", processedAt: ago(D2, 11), totalCents: 4_000 },
    { orderId: "r205b", customerId: "205", processedAt: after(D2, 75), totalCents: 4_000 },
    { orderId: "r206a", customerId: "206", processedAt: ago(D0), totalCents: 4_000 },
    { orderId: "r206b", customerId: "206", processedAt: after(D0, 9), totalCents: 4_000 },

    // Jane joined 211 days ago: bought 89 and 37 days before, 45 days after.
    { orderId: "r9001a", customerId: "9001", processedAt: ago(D1, 16), totalCents: 6_000 },
    { orderId: "r9001b", customerId: "9001", processedAt: ago(211 + 37), totalCents: 6_000 },
    { orderId: "r9001c", customerId: "9001", processedAt: ago(211 - 45), totalCents: 6_000 },
    // Ola joined 241 days ago: bought 153 days before, never after.
    { orderId: "r9003a", customerId: "9003", processedAt: ago(241 + 153), totalCents: 6_000 },
    // Ivy joined 270 days ago and first bought 15 days later.
    { orderId: "r9004a", customerId: "9004", processedAt: ago(270 - 15), totalCents: 6_000 },
  ]);
  await recomputeStats(shop, now);
}
