import { Prisma } from "@prisma/client";
import prisma from "../../db.server";

/**
 * The candidate score: an RFM score from 0 to 100 over a customer's counting orders
 * (not cancelled, not test, not fully refunded).
 *
 *   score = 100 × (0.40·F + 0.35·R + 0.25·M)  for a candidate (meets the ProgramSettings:
 *                                             ≥ minOrders, ≥ minSpentCents, last order
 *                                             within recencyDays); 0 for anyone else
 *
 *   F (frequency) = n / (n + minOrders)           n = counting orders; 0.5 at the shop's
 *                                                 "repeat" threshold, → 1 as n grows
 *   R (recency)   = max(0, 1 − d / recencyDays)   d = days since the last counting order;
 *                                                 1 today, 0 at the edge of the window
 *   M (monetary)  = s / (s + S)                   s = net spend (total − refunds);
 *                                                 S = the shop's mean net spend per buying
 *                                                 customer, so an average spender gets 0.5
 *
 * Each part is bounded to [0, 1) or [0, 1] and monotonic, so more orders, more recent
 * orders and more spend never lower a score; using the shop's own threshold and mean
 * keeps scores comparable across currencies and shop sizes. Frequency weighs most: the
 * program looks for people who come back. Non-candidates score 0 so that the top of the
 * score index is the candidate list itself (a one-time buyer from yesterday would
 * otherwise out-rank many repeat buyers, and every page would have to skip past them).
 *
 * Scores are stored in thousandths of a point (CustomerStats.scoreMilli, an indexed
 * integer, so keyset cursors compare exactly) and ranking is a keyset scan. They are
 * recomputed for the customers an ingest touches, for the whole shop when the settings
 * change, and for the whole shop when a listing finds them older than a day (recency
 * decays with time: a stored score is at most a day behind).
 */
export const SCORE_WEIGHTS = { frequency: 0.4, recency: 0.35, monetary: 0.25 } as const;

/**
 * Engagement: points a candidate earns on top of the RFM score, each signal weighed by the
 * shop (ProgramSettings; 0 turns a signal off, so it changes no score):
 *
 *   E = wReview·q/(q + 1) + wMention·m/(m + 1) + wEmail·[email] + wSms·[sms]
 *
 *   q = reviews rated 4 or 5 (half the weight for one, → the weight as they add up)
 *   m = social mentions (the same curve)
 *   [email], [sms] = 1 when subscribed to email / SMS marketing, else 0
 *
 * Only candidates earn them: signals rank the store's repeat buyers, they do not make one.
 * So a reviewer outranks an otherwise equal non-reviewer, and a score stays 0 below the
 * shop's thresholds (the score index's candidate range is unchanged).
 */
export interface EngagementWeights {
  reviewWeight: number;
  mentionWeight: number;
  emailWeight: number;
  smsWeight: number;
}

export const DEFAULT_ENGAGEMENT_WEIGHTS: EngagementWeights = {
  reviewWeight: 15,
  mentionWeight: 10,
  emailWeight: 5,
  smsWeight: 5,
};

export interface EngagementInputs {
  positiveReviewCount: number;
  mentionCount: number;
  emailSubscribed: boolean | null;
  smsSubscribed: boolean | null;
}

/** E in points (the formula above, in JS: the reference the SQL must agree with). */
export function engagementPoints(signals: EngagementInputs, weights: EngagementWeights): number {
  const q = Math.max(0, signals.positiveReviewCount);
  const m = Math.max(0, signals.mentionCount);
  return (
    weights.reviewWeight * (q / (q + 1)) +
    weights.mentionWeight * (m / (m + 1)) +
    (signals.emailSubscribed ? weights.emailWeight : 0) +
    (signals.smsSubscribed ? weights.smsWeight : 0)
  );
}

/** Scores older than this are recomputed before candidates are listed. */
export const SCORE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ScoreParameters extends Partial<EngagementWeights> {
  minOrders: number;
  minSpentCents: number;
  recencyDays: number;
  /** S: the shop's mean net spend per buying customer (minor units, ≥ 1). */
  spendReferenceCents: number;
}

export interface ScoreInputs {
  orderCount: number;
  netSpentCents: number;
  lastOrderAt: Date | null;
}

const MS_PER_DAY = 86_400_000;

/** The formula in JS: the reference the SQL below must agree with. */
export function rfmScore(
  customer: ScoreInputs & Partial<EngagementInputs>,
  parameters: ScoreParameters,
  now: Date,
): number {
  if (!customer.lastOrderAt) return 0;
  const n = customer.orderCount;
  const days = (now.getTime() - customer.lastOrderAt.getTime()) / MS_PER_DAY;
  const isCandidate =
    n > 0 && n >= parameters.minOrders && customer.netSpentCents >= parameters.minSpentCents &&
    days <= parameters.recencyDays;
  if (!isCandidate) return 0;
  const frequency = n / (n + parameters.minOrders);
  const recency = days <= 0 ? 1 : days >= parameters.recencyDays ? 0 : 1 - days / parameters.recencyDays;
  const spent = Math.max(0, customer.netSpentCents);
  const monetary = spent / (spent + Math.max(1, parameters.spendReferenceCents));
  const engagement = engagementPoints(
    {
      positiveReviewCount: customer.positiveReviewCount ?? 0,
      mentionCount: customer.mentionCount ?? 0,
      emailSubscribed: customer.emailSubscribed ?? null,
      smsSubscribed: customer.smsSubscribed ?? null,
    },
    weightsOf(parameters),
  );
  return 100 * (
    SCORE_WEIGHTS.frequency * frequency +
    SCORE_WEIGHTS.recency * recency +
    SCORE_WEIGHTS.monetary * monetary
  ) + engagement;
}

/** The weights of settings that may predate them (absent = the default). */
export function weightsOf(settings: Partial<EngagementWeights>): EngagementWeights {
  return {
    reviewWeight: settings.reviewWeight ?? DEFAULT_ENGAGEMENT_WEIGHTS.reviewWeight,
    mentionWeight: settings.mentionWeight ?? DEFAULT_ENGAGEMENT_WEIGHTS.mentionWeight,
    emailWeight: settings.emailWeight ?? DEFAULT_ENGAGEMENT_WEIGHTS.emailWeight,
    smsWeight: settings.smsWeight ?? DEFAULT_ENGAGEMENT_WEIGHTS.smsWeight,
  };
}

/** Points ↔ the stored integer (thousandths of a point). */
export const SCORE_SCALE = 1000;

export interface ScoreColumns {
  orderCount: Prisma.Sql;
  netSpentCents: Prisma.Sql;
  lastOrderAt: Prisma.Sql;
  /** Where the engagement signals are read; none: no engagement (see addEngagement). */
  engagement?: EngagementColumns;
}

export interface EngagementColumns {
  positiveReviewCount: Prisma.Sql;
  mentionCount: Prisma.Sql;
  emailSubscribed: Prisma.Sql;
  smsSubscribed: Prisma.Sql;
}

/** The engagement columns of a CustomerStats row (or of a source with the same names). */
export function engagementColumnsOf(alias?: string): EngagementColumns {
  const column = (name: string) => Prisma.raw(alias ? `${alias}."${name}"` : `"${name}"`);
  return {
    positiveReviewCount: column("positiveReviewCount"),
    mentionCount: column("mentionCount"),
    emailSubscribed: column("emailSubscribed"),
    smsSubscribed: column("smsSubscribed"),
  };
}

/** E × SCORE_SCALE as a rounded SQL integer over the given columns (nulls count as none). */
export function engagementExpression(columns: EngagementColumns, weights: EngagementWeights): Prisma.Sql {
  const weight = (value: number) => Prisma.sql`CAST(${value} AS numeric)`;
  const q = Prisma.sql`GREATEST(COALESCE(${columns.positiveReviewCount}, 0), 0)`;
  const m = Prisma.sql`GREATEST(COALESCE(${columns.mentionCount}, 0), 0)`;
  return Prisma.sql`CAST(ROUND(${weight(SCORE_SCALE)} * (
      ${weight(weights.reviewWeight)} * ${q} / (${q} + 1.0)
    + ${weight(weights.mentionWeight)} * ${m} / (${m} + 1.0)
    + CASE WHEN ${columns.emailSubscribed} IS TRUE THEN ${weight(weights.emailWeight)} ELSE 0 END
    + CASE WHEN ${columns.smsSubscribed} IS TRUE THEN ${weight(weights.smsWeight)} ELSE 0 END
  )) AS INTEGER)`;
}

/**
 * A stored score computed without engagement (`rfm`, 0 for non-candidates) plus the
 * engagement of the row holding `columns`: for writes whose RFM part comes from elsewhere
 * (an upsert's `excluded` row) and whose signals are on the stored row.
 */
export function addEngagement(rfm: Prisma.Sql, columns: EngagementColumns, weights: EngagementWeights): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${rfm} > 0 THEN ${rfm} + ${engagementExpression(columns, weights)} ELSE 0 END)`;
}

/**
 * The formula as a SQL expression giving the stored integer (score × SCORE_SCALE,
 * rounded), over the given column expressions. `spendReferenceCents` is either a number
 * (bound) or a SQL expression.
 */
export function scoreExpression(
  columns: ScoreColumns,
  parameters: Omit<ScoreParameters, "spendReferenceCents"> & { spendReferenceCents: number | Prisma.Sql },
  now: Date,
): Prisma.Sql {
  const { orderCount, netSpentCents, lastOrderAt } = columns;
  const n = Prisma.sql`(${orderCount} * 1.0)`;
  const s = Prisma.sql`(CASE WHEN ${netSpentCents} > 0 THEN ${netSpentCents} * 1.0 ELSE 0.0 END)`;
  const days = Prisma.sql`(EXTRACT(EPOCH FROM (CAST(${now} AS timestamp(3)) - ${lastOrderAt})) / 86400.0)`;
  const reference =
    typeof parameters.spendReferenceCents === "number"
      ? Prisma.sql`${Math.max(1, Math.round(parameters.spendReferenceCents))}`
      : parameters.spendReferenceCents;
  const windowStart = new Date(now.getTime() - parameters.recencyDays * MS_PER_DAY);
  const weight = (value: number) => Prisma.sql`CAST(${value} AS numeric)`;
  const engagement = columns.engagement
    ? Prisma.sql` + ${engagementExpression(columns.engagement, weightsOf(parameters))}`
    : Prisma.empty;
  return Prisma.sql`(CAST(ROUND(CASE
    WHEN ${orderCount} > 0 AND ${orderCount} >= ${parameters.minOrders}
      AND ${netSpentCents} >= ${parameters.minSpentCents} AND ${lastOrderAt} >= ${windowStart}
    THEN ${weight(100 * SCORE_SCALE)} * (
        ${weight(SCORE_WEIGHTS.frequency)} * ${n} / (${n} + ${parameters.minOrders})
      + ${weight(SCORE_WEIGHTS.recency)} * (CASE WHEN ${days} <= 0 THEN 1.0
          WHEN ${days} >= ${parameters.recencyDays} THEN 0.0 ELSE 1.0 - ${days} / ${parameters.recencyDays} END)
      + ${weight(SCORE_WEIGHTS.monetary)} * ${s} / (${s} + ${reference})
    )${engagement} ELSE 0.0 END) AS INTEGER))`;
}

type Db = Prisma.TransactionClient;

type ScoringSettingsWithWeights = { minOrders: number; minSpentCents: number; recencyDays: number } & Partial<EngagementWeights>;

/** A CustomerStats row's own columns, engagement included. */
const STORED_COLUMNS: ScoreColumns = {
  orderCount: Prisma.sql`"orderCount"`,
  netSpentCents: Prisma.sql`"netSpentCents"`,
  lastOrderAt: Prisma.sql`"lastOrderAt"`,
  engagement: engagementColumnsOf(),
};

/**
 * Recomputes the scores of some customers from their stored figures and signals, with the
 * shop's stored settings and spend reference: after their signals changed (an import, a
 * consent update). Only rows whose score changes are written.
 */
export async function rescoreCustomers(db: Db, shop: string, customerIds: string[], now = new Date()): Promise<void> {
  if (customerIds.length === 0) return;
  const row = await db.programSettings.findUnique({ where: { shop } });
  const settings = {
    minOrders: row?.minOrders ?? 2,
    minSpentCents: Number(row?.minSpentCents ?? 0),
    recencyDays: row?.recencyDays ?? 365,
    spendReferenceCents: Number(row?.spendReferenceCents ?? 0),
    ...weightsOf(row ?? {}),
  };
  const score = scoreExpression(STORED_COLUMNS, settings, now);
  await db.$executeRaw`
    UPDATE "CustomerStats" SET "scoreMilli" = ${score}
    WHERE "shop" = ${shop} AND "customerId" = ANY(CAST(${[...new Set(customerIds)]} AS text[])) AND "scoreMilli" <> ${score}`;
}

/**
 * Recomputes every score of the shop: refreshes S (mean net spend of buying customers)
 * and records when. One UPDATE; rows whose score does not change are not written.
 */
export async function rescoreShop(
  db: Db,
  shop: string,
  settings: ScoringSettingsWithWeights,
  now = new Date(),
): Promise<void> {
  const { _avg } = await db.customerStats.aggregate({
    where: { shop, orderCount: { gt: 0 } },
    _avg: { netSpentCents: true },
  });
  const spendReferenceCents = Math.max(1, Math.round(Number(_avg.netSpentCents ?? 0)));
  const score = scoreExpression(STORED_COLUMNS, { ...settings, spendReferenceCents }, now);
  await db.$executeRaw`
    UPDATE "CustomerStats" SET "scoreMilli" = ${score}
    WHERE "shop" = ${shop} AND "scoreMilli" <> ${score}`;
  await db.programSettings.upsert({
    where: { shop },
    create: { shop, spendReferenceCents, scoresComputedAt: now },
    update: { spendReferenceCents, scoresComputedAt: now },
  });
}

/** Recomputes the shop's scores when they are older than a day (see SCORE_MAX_AGE_MS). */
export async function ensureScoresFresh(
  shop: string,
  settings: ScoringSettingsWithWeights,
  now = new Date(),
): Promise<void> {
  const state = await prisma.programSettings.findUnique({
    where: { shop },
    select: { scoresComputedAt: true },
  });
  const computedAt = state?.scoresComputedAt?.getTime() ?? 0;
  if (now.getTime() - computedAt < SCORE_MAX_AGE_MS) return;
  await prisma.$transaction((tx) => rescoreShop(tx, shop, settings, now));
}
