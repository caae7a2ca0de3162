/**
 * Candidates: the shop's customers who meet its definition of a repeat buyer (ProgramSettings),
 * ranked by the RFM score (see score.server.ts), and the merchant's decision on each.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "../../db.server";
import { numericId } from "../OrderHistory/snapshots";
import { parseStoredDiscountCodes } from "../OrderHistory/OrderHistory.server";
import { getProgramSettings, type ProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import { ensureScoresFresh, SCORE_SCALE } from "./score.server";
import { engagementDataReport } from "../Engagement/Engagement.server";
import { explainCandidate, type CandidateSignal } from "./explain";

export const AMBASSADOR_STATUSES = ["none", "invited", "approved", "dismissed"] as const;
export type AmbassadorStatus = (typeof AMBASSADOR_STATUSES)[number];

export const CANDIDATE_SORTS = ["score", "orders", "spent", "lastOrder"] as const;
export type CandidateSort = (typeof CANDIDATE_SORTS)[number];
export type SortDirection = "asc" | "desc";

/** Each sort is served by an index on (shop, column, customerId). */
const SORT_COLUMNS: Record<CandidateSort, string> = {
  score: "scoreMilli",
  orders: "orderCount",
  spent: "netSpentCents",
  lastOrder: "lastOrderAt",
};

export interface CandidateFilters {
  /** Narrows the shop's minimum (the larger of the two applies). */
  minOrders?: number;
  minSpentCents?: number;
  /** Narrows the shop's window (the smaller of the two applies). */
  lastOrderWithinDays?: number;
  /** true: approved ambassadors only; false: everyone else. */
  isAmbassador?: boolean;
  status?: AmbassadorStatus;
  /** One Shopify tag, case-insensitive. */
  tag?: string;
  /** Part of the name or email, case-insensitive. */
  query?: string;
  /** Only candidates showing this engagement signal. */
  signal?: CandidateSignal;
}

export interface ListCandidatesOptions {
  filters?: CandidateFilters;
  sort?: CandidateSort;
  direction?: SortDirection;
  /** 1–250, default 50. */
  pageSize?: number;
  /** nextCursor or previousCursor of an earlier page; stale or foreign cursors are ignored. */
  cursor?: string | null;
  /** Count all matching candidates (default true). */
  withTotal?: boolean;
}

export interface Candidate {
  customerId: string;
  displayName: string | null;
  email: string | null;
  tags: string[];
  orderCount: number;
  netSpentCents: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  /** 0–100, rounded to one decimal. */
  score: number;
  ambassadorStatus: AmbassadorStatus;
  decidedAt: Date | null;
  reviewCount: number;
  positiveReviewCount: number;
  fiveStarReviewCount: number;
  mentionCount: number;
  emailSubscribed: boolean | null;
  smsSubscribed: boolean | null;
  /** Why they rank there: orders and the signals that add to the score (see explain.ts). */
  why: string;
}

export interface CandidatePage {
  candidates: Candidate[];
  /** Cursor of the page after this one; null on the last page. */
  nextCursor: string | null;
  /** Cursor of the page before this one; null on the first page. */
  previousCursor: string | null;
  /** All candidates matching the filters, when asked for. */
  totalCount: number | null;
  /** The settings the list was computed with (thresholds and currency). */
  settings: ProgramSettings;
}

interface CandidateRow {
  customerId: string;
  displayName: string | null;
  email: string | null;
  tags: string;
  orderCount: number;
  netSpentCents: bigint | number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  scoreMilli: number;
  ambassadorStatus: string;
  decidedAt: Date | null;
  reviewCount: number;
  positiveReviewCount: number;
  fiveStarReviewCount: number;
  mentionCount: number;
  emailSubscribed: boolean | null;
  smsSubscribed: boolean | null;
}

// ---- Cursors ---------------------------------------------------------------------------------

const cursorSchema = z.object({
  /** "after": the page following `key`; "before": the page preceding it. */
  at: z.enum(["after", "before"]),
  sort: z.enum(CANDIDATE_SORTS),
  direction: z.enum(["asc", "desc"]),
  value: z.union([z.number(), z.string()]),
  customerId: z.string().regex(/^\d+$/),
});
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string | null | undefined, sort: CandidateSort, direction: SortDirection): Cursor | null {
  if (!text) return null;
  try {
    const cursor = cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return cursor.sort === sort && cursor.direction === direction ? cursor : null;
  } catch {
    return null;
  }
}

function sortValue(row: CandidateRow, sort: CandidateSort): number | string {
  switch (sort) {
    case "score":
      return row.scoreMilli;
    case "orders":
      return row.orderCount;
    case "spent":
      return Number(row.netSpentCents);
    case "lastOrder":
      return (row.lastOrderAt as Date).toISOString();
  }
}

function cursorValue(cursor: Cursor): number | Date {
  return cursor.sort === "lastOrder" ? new Date(String(cursor.value)) : Number(cursor.value);
}

// ---- Listing ---------------------------------------------------------------------------------

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterConditions(shop: string, settings: ProgramSettings, filters: CandidateFilters, now: Date): Prisma.Sql[] {
  const minOrders = Math.max(settings.minOrders, filters.minOrders ?? 0);
  const minSpentCents = Math.max(settings.minSpentCents, filters.minSpentCents ?? 0);
  const withinDays = Math.min(settings.recencyDays, filters.lastOrderWithinDays ?? Infinity);
  const since = new Date(now.getTime() - withinDays * 86_400_000);
  const conditions = [
    Prisma.sql`"shop" = ${shop}`,
    // Implied by the rest (non-candidates score 0, a candidate at least 20 points), and
    // it hands the planner the candidates as one range of the score index.
    Prisma.sql`"scoreMilli" > 0`,
    Prisma.sql`"orderCount" >= ${minOrders}`,
    Prisma.sql`"lastOrderAt" >= ${since}`,
  ];
  if (minSpentCents > 0) conditions.push(Prisma.sql`"netSpentCents" >= ${minSpentCents}`);
  if (filters.isAmbassador === true) conditions.push(Prisma.sql`"ambassadorStatus" = 'approved'`);
  if (filters.isAmbassador === false) conditions.push(Prisma.sql`"ambassadorStatus" <> 'approved'`);
  if (filters.status) conditions.push(Prisma.sql`"ambassadorStatus" = ${filters.status}`);
  // Summary columns on the same row: the candidates' range of the score index, filtered.
  if (filters.signal === "reviews") conditions.push(Prisma.sql`"positiveReviewCount" > 0`);
  if (filters.signal === "mentions") conditions.push(Prisma.sql`"mentionCount" > 0`);
  if (filters.signal === "email") conditions.push(Prisma.sql`"emailSubscribed" IS TRUE`);
  if (filters.signal === "sms") conditions.push(Prisma.sql`"smsSubscribed" IS TRUE`);
  const tag = filters.tag?.trim();
  if (tag) {
    // Tags are stored "a, b": match one whole tag, case-insensitively.
    const pattern = `%,${tag.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
    conditions.push(
      Prisma.sql`(',' || lower(replace("tags", ', ', ',')) || ',') LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  const query = filters.query?.trim();
  if (query) {
    const pattern = likePattern(query);
    conditions.push(
      Prisma.sql`(lower(COALESCE("displayName", '')) LIKE ${pattern} ESCAPE '\\' OR lower(COALESCE("email", '')) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  return conditions;
}

/**
 * One page of the shop's candidates: customers meeting its ProgramSettings, narrowed by
 * `filters`, in `sort` order (ties broken by customer id).
 *
 * Pagination is keyset: a cursor holds the sort value and customer id of the row it
 * continues from, and the page is read from the (shop, column, customerId) index starting
 * there (`(column, customerId) < (value, id)`), so page 1000 costs what page 1 does. The
 * total is one COUNT over the same filters, which reads only the candidates' range of the
 * score index (non-candidates score 0); pass `withTotal: false` on later pages to skip it.
 * Scores older than a day are refreshed first (see ensureScoresFresh).
 */
export async function listCandidates(
  shop: string,
  options: ListCandidatesOptions = {},
): Promise<CandidatePage> {
  const sort = options.sort ?? "score";
  const direction = options.direction ?? "desc";
  const pageSize = Math.min(250, Math.max(1, Math.floor(options.pageSize ?? 50)));
  const now = new Date();
  const settings = await getProgramSettings(shop);
  await ensureScoresFresh(shop, settings, now);

  const cursor = decodeCursor(options.cursor, sort, direction);
  const column = Prisma.raw(`"${SORT_COLUMNS[sort]}"`);
  const conditions = filterConditions(shop, settings, options.filters ?? {}, now);
  const where = Prisma.join(conditions, " AND ");

  // Reading backwards (a "before" cursor) walks the index the other way, then flips.
  const backwards = cursor?.at === "before";
  const scanDescending = (direction === "desc") !== backwards;
  const order = Prisma.raw(scanDescending ? "DESC" : "ASC");
  const keyset = cursor
    ? scanDescending
      ? Prisma.sql`AND (${column}, "customerId") < (${cursorValue(cursor)}, ${cursor.customerId})`
      : Prisma.sql`AND (${column}, "customerId") > (${cursorValue(cursor)}, ${cursor.customerId})`
    : Prisma.empty;

  const fetched = await prisma.$queryRaw<CandidateRow[]>`
    SELECT "customerId", "displayName", "email", "tags", "orderCount", "netSpentCents",
           "firstOrderAt", "lastOrderAt", "scoreMilli", "ambassadorStatus", "decidedAt",
           "reviewCount", "positiveReviewCount", "fiveStarReviewCount", "mentionCount", "emailSubscribed", "smsSubscribed"
    FROM "CustomerStats"
    WHERE ${where} ${keyset}
    ORDER BY ${column} ${order}, "customerId" ${order}
    LIMIT ${pageSize + 1}`;
  const hasMore = fetched.length > pageSize;
  const rows = fetched.slice(0, pageSize);
  if (backwards) rows.reverse();

  const cursorAt = (at: Cursor["at"], row: CandidateRow) =>
    encodeCursor({ at, sort, direction, value: sortValue(row, sort), customerId: row.customerId });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasNext = backwards ? cursor !== null : hasMore;
  const hasPrevious = backwards ? hasMore : cursor !== null;

  let totalCount: number | null = null;
  if (options.withTotal ?? true) {
    const [{ count }] = await prisma.$queryRaw<{ count: bigint | number }[]>`
      SELECT COUNT(*) AS count FROM "CustomerStats" WHERE ${where}`;
    totalCount = Number(count);
  }

  return {
    candidates: rows.map((row) => toCandidate(row, settings, now)),
    nextCursor: hasNext && last ? cursorAt("after", last) : null,
    previousCursor: hasPrevious && first ? cursorAt("before", first) : null,
    totalCount,
    settings,
  };
}

function toCandidate(row: CandidateRow, settings: ProgramSettings, now: Date): Candidate {
  const signals = {
    reviewCount: Number(row.reviewCount),
    positiveReviewCount: Number(row.positiveReviewCount),
    fiveStarReviewCount: Number(row.fiveStarReviewCount),
    mentionCount: Number(row.mentionCount),
    emailSubscribed: row.emailSubscribed,
    smsSubscribed: row.smsSubscribed,
  };
  return {
    ...signals,
    why: explainCandidate({ orderCount: Number(row.orderCount), lastOrderAt: row.lastOrderAt, ...signals }, settings, now),
    customerId: row.customerId,
    displayName: row.displayName,
    email: row.email,
    tags: row.tags ? row.tags.split(", ") : [],
    orderCount: Number(row.orderCount),
    netSpentCents: Number(row.netSpentCents),
    firstOrderAt: row.firstOrderAt,
    lastOrderAt: row.lastOrderAt,
    score: Math.round(row.scoreMilli / (SCORE_SCALE / 10)) / 10,
    ambassadorStatus: (AMBASSADOR_STATUSES as readonly string[]).includes(row.ambassadorStatus)
      ? (row.ambassadorStatus as AmbassadorStatus)
      : "none",
    decidedAt: row.decidedAt,
  };
}

// ---- Decisions -------------------------------------------------------------------------------

/** The merchant's decision on a candidate; "none" clears an earlier one. */
export type CandidateDecision = AmbassadorStatus;

export interface DecisionResult {
  /** Customers whose decision is now stored. */
  updated: string[];
  /** Ids this shop holds no customer for (or that are not customer ids): nothing stored. */
  unknown: string[];
}

/**
 * Bulk invite / approve / dismiss (or clear with "none"). Accepts numeric ids or
 * `gid://shopify/Customer/…`; ids the shop does not hold are reported, not ignored.
 */
export async function setCandidateDecision(
  shop: string,
  customerIds: string[],
  decision: CandidateDecision,
  /** Join the caller's transaction (e.g. approval, which also creates the ambassadors). */
  db?: Prisma.TransactionClient,
): Promise<DecisionResult> {
  if (!(AMBASSADOR_STATUSES as readonly string[]).includes(decision)) {
    throw new Error(`Unknown decision "${decision}"`);
  }
  const unknown: string[] = [];
  const ids = new Set<string>();
  for (const id of customerIds) {
    try {
      ids.add(numericId(id, "Customer"));
    } catch {
      unknown.push(id);
    }
  }
  const decide = async (tx: Prisma.TransactionClient) => {
    const known = await tx.customerStats.findMany({
      where: { shop, customerId: { in: [...ids] } },
      select: { customerId: true },
    });
    const updated = known.map((c) => c.customerId);
    await tx.customerStats.updateMany({
      where: { shop, customerId: { in: updated } },
      data: { ambassadorStatus: decision, decidedAt: decision === "none" ? null : new Date() },
    });
    const found = new Set(updated);
    for (const id of ids) if (!found.has(id)) unknown.push(id);
    return { updated, unknown };
  };
  return db ? decide(db) : prisma.$transaction(decide);
}

// ---- Personal data ---------------------------------------------------------------------------

type Db = Prisma.TransactionClient;

/**
 * customers/redact: forgets the customer's name, email and tags, and keeps them forgotten
 * (later profile updates are refused). Order facts, counts and the decision stay: they are
 * ids, amounts and dates. Returns false when nothing was held (a tombstone is kept anyway).
 */
export async function eraseCustomerPersonalData(
  shop: string,
  customerId: string,
  db: Db = prisma,
): Promise<boolean> {
  const id = numericId(customerId, "Customer");
  const existing = await db.customerStats.findUnique({
    where: { shop_customerId: { shop, customerId: id } },
    select: { customerId: true },
  });
  const erased = {
    displayName: null,
    email: null,
    tags: "",
    emailSubscribed: null,
    smsSubscribed: null,
    personalDataErasedAt: new Date(),
  };
  await db.customerStats.upsert({
    where: { shop_customerId: { shop, customerId: id } },
    create: { shop, customerId: id, ...erased },
    update: erased,
  });
  // A running history sync may hold the profile too, waiting to be folded in.
  await db.customerProfileStaging.deleteMany({ where: { shop, customerId: id } });
  return existing !== null;
}

export interface CustomerDataReport {
  customerId: string;
  profile: {
    displayName: string | null;
    email: string | null;
    tags: string[];
    emailSubscribed: boolean | null;
    smsSubscribed: boolean | null;
    personalDataErasedAt: Date | null;
  } | null;
  statistics: {
    orderCount: number;
    netSpentCents: number;
    firstOrderAt: Date | null;
    lastOrderAt: Date | null;
    score: number;
    ambassadorStatus: string;
    decidedAt: Date | null;
  } | null;
  orders: {
    orderId: string;
    processedAt: Date;
    totalCents: number;
    refundedCents: number;
    cancelledAt: Date | null;
    test: boolean;
    discountCodes: string[];
  }[];
  refunds: { refundId: string; orderId: string; amountCents: number; createdAt: Date }[];
  /** Reviews and social mentions imported for them (see Engagement). */
  reviews: { source: string; email: string; rating: number; reviewedAt: Date; body: string }[];
  mentions: { handle: string; mentions: number; mentionedAt: Date }[];
  currencyCode: string | null;
}

/** customers/data_request: everything the app holds on the customer in this shop. */
export async function customerDataReport(
  shop: string,
  customerId: string,
  db: Db = prisma,
): Promise<CustomerDataReport> {
  const id = numericId(customerId, "Customer");
  const [stats, orders, settings, engagement] = await Promise.all([
    db.customerStats.findUnique({ where: { shop_customerId: { shop, customerId: id } } }),
    db.orderFact.findMany({ where: { shop, customerId: id }, orderBy: { processedAt: "asc" } }),
    getProgramSettings(shop, db),
    engagementDataReport(shop, id, db),
  ]);
  const refunds = orders.length
    ? await db.refundFact.findMany({
        where: { shop, orderId: { in: orders.map((o) => o.orderId) } },
        orderBy: { createdAt: "asc" },
      })
    : [];
  return {
    customerId: id,
    profile: stats
      ? {
          displayName: stats.displayName,
          email: stats.email,
          tags: stats.tags ? stats.tags.split(", ") : [],
          emailSubscribed: stats.emailSubscribed,
          smsSubscribed: stats.smsSubscribed,
          personalDataErasedAt: stats.personalDataErasedAt,
        }
      : null,
    statistics: stats
      ? {
          orderCount: stats.orderCount,
          netSpentCents: Number(stats.netSpentCents),
          firstOrderAt: stats.firstOrderAt,
          lastOrderAt: stats.lastOrderAt,
          score: Math.round(stats.scoreMilli / (SCORE_SCALE / 10)) / 10,
          ambassadorStatus: stats.ambassadorStatus,
          decidedAt: stats.decidedAt,
        }
      : null,
    orders: orders.map((o) => ({
      orderId: o.orderId,
      processedAt: o.processedAt,
      totalCents: Number(o.totalCents),
      refundedCents: Number(o.refundedCents),
      cancelledAt: o.cancelledAt,
      test: o.test,
      discountCodes: parseStoredDiscountCodes(o.discountCodes),
    })),
    refunds: refunds.map((r) => ({
      refundId: r.refundId,
      orderId: r.orderId,
      amountCents: Number(r.amountCents),
      createdAt: r.createdAt,
    })),
    reviews: engagement.reviews,
    mentions: engagement.mentions,
    currencyCode: settings.currencyCode,
  };
}
