/**
 * Engagement signals beyond orders: reviews imported from a review app's CSV export and
 * social mentions from a social-listening tool's CSV, matched to the shop's customers and
 * summarised on CustomerStats (reviewCount, positiveReviewCount, fiveStarReviewCount,
 * mentionCount), which the score reads (see Candidate/score.server.ts).
 *
 * Imports are two steps: a preview (the column mapping, matched / unmatched / already
 * imported counts and the errors of each bad row; nothing written) and the import itself,
 * which writes the same plan. Rows are keyed (a review by the vendor's id where the file
 * has one, else by a hash of its content; a mention row by a hash of its content), so
 * importing the same file again changes nothing. Only matched rows are kept: the app holds
 * no reviews or handles of people who are not the shop's customers.
 */
import { createHash } from "node:crypto";
import { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { rescoreCustomers } from "../Candidate/score.server";
import {
  findHeader,
  readCount,
  readCsv,
  readDate,
  readEmail,
  readOptionalEmail,
  readRating,
  type CsvTable,
} from "./csv.server";
import {
  detectReviewFormat,
  REVIEW_COLUMNS,
  REVIEW_FIELD_LABELS,
  REVIEW_FIELDS,
  type ReviewField,
  type ReviewFormat,
} from "./review-formats";

type Db = Prisma.TransactionClient;

/** At most this many row errors are listed (all are counted). */
export const MAX_LISTED_ERRORS = 100;

export interface ColumnMapping {
  field: string;
  label: string;
  /** The file's column read for the field; null when the file has none. */
  column: string | null;
  required: boolean;
}

export interface ImportPreview {
  kind: "reviews" | "mentions";
  /** The format read (reviews: the one chosen, or detected from the header). */
  format: string;
  mapping: ColumnMapping[];
  /** Data rows in the file. */
  rows: number;
  /** Rows with an error (listed in `errors`, up to MAX_LISTED_ERRORS). */
  badRows: number;
  /** Readable rows matched to a customer. */
  matched: number;
  /** Readable rows matching no customer: not imported. */
  unmatched: number;
  /** Matched rows already imported (by key): importing them again changes nothing. */
  alreadyImported: number;
  /** Matched rows an import would add. */
  toImport: number;
  /** Customers the matched rows belong to. */
  customers: number;
  errors: { line: number; message: string }[];
}

export type ImportResult =
  | { ok: true; preview: ImportPreview; imported: number }
  | { ok: false; error: string };

// ---- Reviews ---------------------------------------------------------------------------------

interface ReviewRow {
  reviewKey: string;
  email: string;
  customerId: string;
  rating: number;
  reviewedAt: Date;
  body: string;
}

interface Plan<T> {
  preview: ImportPreview;
  rows: T[];
}

function hashKey(parts: (string | number | null)[]): string {
  return `h:${createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40)}`;
}

/** The shop's customers by lower-cased email (erased customers never match). */
async function customersByEmail(db: Db, shop: string, emails: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(emails)];
  if (unique.length === 0) return new Map();
  const rows = await db.$queryRaw<{ email: string; customerId: string }[]>`
    SELECT DISTINCT ON (lower("email")) lower("email") AS "email", "customerId"
    FROM "CustomerStats"
    WHERE "shop" = ${shop} AND lower("email") = ANY(CAST(${unique} AS text[])) AND "personalDataErasedAt" IS NULL
    ORDER BY lower("email"), "customerId"`;
  return new Map(rows.map((r) => [r.email, r.customerId]));
}

function emptyPreview(kind: ImportPreview["kind"], format: string, mapping: ColumnMapping[], rows: number): ImportPreview {
  return { kind, format, mapping, rows, badRows: 0, matched: 0, unmatched: 0, alreadyImported: 0, toImport: 0, customers: 0, errors: [] };
}

function addError(preview: ImportPreview, line: number, message: string) {
  preview.badRows += 1;
  if (preview.errors.length < MAX_LISTED_ERRORS) preview.errors.push({ line, message });
}

async function planReviews(
  db: Db,
  shop: string,
  table: CsvTable,
  requested: ReviewFormat | "auto",
  now: Date,
): Promise<Plan<ReviewRow> | { error: string }> {
  const format = requested === "auto" ? detectReviewFormat(table.headers) : requested;
  const columns = Object.fromEntries(
    REVIEW_FIELDS.map((field) => [field, findHeader(table.headers, REVIEW_COLUMNS[format][field])]),
  ) as Record<ReviewField, string | null>;
  const mapping: ColumnMapping[] = REVIEW_FIELDS.map((field) => ({
    field,
    label: REVIEW_FIELD_LABELS[field],
    column: columns[field],
    required: field !== "id" && field !== "text",
  }));
  const missing = mapping.filter((m) => m.required && !m.column);
  if (missing.length > 0) {
    const expected = missing.map((m) => `${m.label} (${REVIEW_COLUMNS[format][m.field as ReviewField].join(" or ")})`);
    return { error: `The file has no column for ${expected.join(", ")}. Check the format, or the export's header row.` };
  }

  const preview = emptyPreview("reviews", format, mapping, table.rows.length);
  const readable: (Omit<ReviewRow, "customerId"> & { line: number })[] = [];
  const seen = new Set<string>();
  for (const { line, values } of table.rows) {
    const email = readEmail(values[columns.email!], "Reviewer email");
    const rating = readRating(values[columns.rating!]);
    const date = readDate(values[columns.date!], "Review date", now);
    const problems = [email, rating, date].flatMap((r) => (r.ok ? [] : [r.error]));
    if (!email.ok || !rating.ok || !date.ok) {
      addError(preview, line, problems.join("; "));
      continue;
    }
    const body = (columns.text ? values[columns.text] : "") ?? "";
    const id = columns.id ? values[columns.id]?.trim() : "";
    const reviewKey = id
      ? `id:${id}`
      : hashKey([email.value, date.value.toISOString(), rating.value, body]);
    // The same review twice in one file counts once.
    if (seen.has(reviewKey)) continue;
    seen.add(reviewKey);
    readable.push({ line, reviewKey, email: email.value, rating: rating.value, reviewedAt: date.value, body });
  }

  const customers = await customersByEmail(db, shop, readable.map((r) => r.email));
  const rows: ReviewRow[] = [];
  for (const row of readable) {
    const customerId = customers.get(row.email);
    if (!customerId) {
      preview.unmatched += 1;
      continue;
    }
    const { line: _line, ...review } = row;
    rows.push({ ...review, customerId });
  }
  preview.matched = rows.length;
  const stored = await existingKeys(db, Prisma.sql`
    SELECT "reviewKey" AS "key" FROM "CustomerReview"
    WHERE "shop" = ${shop} AND "source" = ${format} AND "reviewKey" = ANY(CAST(${rows.map((r) => r.reviewKey)} AS text[]))`);
  const fresh = rows.filter((r) => !stored.has(r.reviewKey));
  preview.alreadyImported = rows.length - fresh.length;
  preview.toImport = fresh.length;
  preview.customers = new Set(rows.map((r) => r.customerId)).size;
  return { preview, rows: fresh };
}

async function existingKeys(db: Db, query: Prisma.Sql): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ key: string }[]>(query);
  return new Set(rows.map((r) => r.key));
}

/** What importing this review export would do; writes nothing. */
export async function previewReviewImport(
  shop: string,
  csvText: string,
  format: ReviewFormat | "auto" = "auto",
  now = new Date(),
): Promise<{ ok: true; preview: ImportPreview } | { ok: false; error: string }> {
  const read = readCsv(csvText);
  if (!read.ok) return read;
  const plan = await planReviews(prisma, shop, read.table, format, now);
  return "error" in plan ? { ok: false, error: plan.error } : { ok: true, preview: plan.preview };
}

/**
 * Imports a review export: the matched rows not imported before, then the reviewers'
 * summaries and scores, in one transaction. Bad and unmatched rows are reported in the
 * preview and skipped; they never fail the import.
 */
export async function importReviews(
  shop: string,
  csvText: string,
  format: ReviewFormat | "auto" = "auto",
  now = new Date(),
): Promise<ImportResult> {
  const read = readCsv(csvText);
  if (!read.ok) return read;
  return prisma.$transaction(
    async (tx) => {
      const plan = await planReviews(tx, shop, read.table, format, now);
      if ("error" in plan) return { ok: false as const, error: plan.error };
      const source = plan.preview.format;
      let imported = 0;
      for (let i = 0; i < plan.rows.length; i += 1000) {
        const { count } = await tx.customerReview.createMany({
          data: plan.rows.slice(i, i + 1000).map((r) => ({ shop, source, ...r })),
          skipDuplicates: true,
        });
        imported += count;
      }
      await refreshSignals(tx, shop, plan.rows.map((r) => r.customerId), now);
      return { ok: true as const, preview: plan.preview, imported };
    },
    { timeout: 60_000 },
  );
}

// ---- Social mentions ---------------------------------------------------------------------------

const MENTION_COLUMNS = {
  handle: ["handle", "username", "user", "author", "account"],
  email: ["email"],
  mentions: ["mentions", "mention_count", "count"],
  date: ["date", "mentioned_at", "day"],
} as const;
type MentionField = keyof typeof MENTION_COLUMNS;
const MENTION_FIELD_LABELS: Record<MentionField, string> = {
  handle: "Social handle",
  email: "Email (if known)",
  mentions: "Mentions",
  date: "Date",
};

/** A handle as stored and matched: lower case, no "@", no profile URL around it. */
export function normalizeHandle(handle: string | null | undefined): string {
  let text = (handle ?? "").trim().toLowerCase();
  const url = /^(?:https?:\/\/)?(?:www\.)?[a-z0-9.-]+\.[a-z]{2,}\/(?:@)?([^/?#\s]+)/.exec(text);
  if (url) text = url[1];
  return text.replace(/^@+/, "");
}

interface MentionRow {
  mentionKey: string;
  handle: string;
  email: string | null;
  customerId: string;
  mentions: number;
  mentionedAt: Date;
}

/** The customers whose signup (application) gave each handle. */
async function customersByHandle(db: Db, shop: string, handles: string[]): Promise<Map<string, string>> {
  const wanted = new Set(handles);
  const matched = new Map<string, string>();
  if (wanted.size === 0) return matched;
  const applications = await db.ambassadorApplication.findMany({
    where: { shop, socialHandle: { not: "" }, personalDataErasedAt: null },
    select: { socialHandle: true, customerId: true, email: true },
  });
  const byEmail = await customersByEmail(
    db,
    shop,
    applications.filter((a) => wanted.has(normalizeHandle(a.socialHandle))).map((a) => a.email),
  );
  for (const application of applications) {
    const handle = normalizeHandle(application.socialHandle);
    if (!wanted.has(handle) || matched.has(handle)) continue;
    const customerId = application.customerId ?? byEmail.get(application.email);
    if (customerId) matched.set(handle, customerId);
  }
  return matched;
}

async function planMentions(db: Db, shop: string, table: CsvTable, now: Date): Promise<Plan<MentionRow> | { error: string }> {
  const fields = Object.keys(MENTION_COLUMNS) as MentionField[];
  const columns = Object.fromEntries(fields.map((f) => [f, findHeader(table.headers, MENTION_COLUMNS[f])])) as Record<
    MentionField,
    string | null
  >;
  const mapping: ColumnMapping[] = fields.map((field) => ({
    field,
    label: MENTION_FIELD_LABELS[field],
    column: columns[field],
    required: field !== "email",
  }));
  const missing = mapping.filter((m) => m.required && !m.column);
  if (missing.length > 0) {
    const expected = missing.map((m) => `${m.label} (${MENTION_COLUMNS[m.field as MentionField].join(" or ")})`);
    return { error: `The file has no column for ${expected.join(", ")}.` };
  }
  const preview = emptyPreview("mentions", "social", mapping, table.rows.length);
  const readable: Omit<MentionRow, "customerId">[] = [];
  const seen = new Set<string>();
  for (const { line, values } of table.rows) {
    const handle = normalizeHandle(values[columns.handle!]);
    const email = readOptionalEmail(columns.email ? values[columns.email] : "");
    const mentions = readCount(values[columns.mentions!], "Mentions");
    const date = readDate(values[columns.date!], "Date", now);
    const problems = [email, mentions, date].flatMap((r) => (r.ok ? [] : [r.error]));
    if (!handle) problems.unshift("Social handle is empty");
    if (problems.length > 0 || !email.ok || !mentions.ok || !date.ok) {
      addError(preview, line, problems.join("; "));
      continue;
    }
    const mentionKey = hashKey([handle, email.value, date.value.toISOString(), mentions.value]);
    if (seen.has(mentionKey)) continue;
    seen.add(mentionKey);
    readable.push({ mentionKey, handle, email: email.value, mentions: mentions.value, mentionedAt: date.value });
  }
  const byEmail = await customersByEmail(db, shop, readable.flatMap((r) => (r.email ? [r.email] : [])));
  const byHandle = await customersByHandle(db, shop, readable.map((r) => r.handle));
  const rows: MentionRow[] = [];
  for (const row of readable) {
    const customerId = (row.email ? byEmail.get(row.email) : undefined) ?? byHandle.get(row.handle);
    if (!customerId) {
      preview.unmatched += 1;
      continue;
    }
    rows.push({ ...row, customerId });
  }
  preview.matched = rows.length;
  const stored = await existingKeys(db, Prisma.sql`
    SELECT "mentionKey" AS "key" FROM "SocialMention"
    WHERE "shop" = ${shop} AND "mentionKey" = ANY(CAST(${rows.map((r) => r.mentionKey)} AS text[]))`);
  const fresh = rows.filter((r) => !stored.has(r.mentionKey));
  preview.alreadyImported = rows.length - fresh.length;
  preview.toImport = fresh.length;
  preview.customers = new Set(rows.map((r) => r.customerId)).size;
  return { preview, rows: fresh };
}

/** What importing this social-listening export would do; writes nothing. */
export async function previewMentionImport(
  shop: string,
  csvText: string,
  now = new Date(),
): Promise<{ ok: true; preview: ImportPreview } | { ok: false; error: string }> {
  const read = readCsv(csvText);
  if (!read.ok) return read;
  const plan = await planMentions(prisma, shop, read.table, now);
  return "error" in plan ? { ok: false, error: plan.error } : { ok: true, preview: plan.preview };
}

/** Imports a social-listening export (see importReviews). */
export async function importMentions(shop: string, csvText: string, now = new Date()): Promise<ImportResult> {
  const read = readCsv(csvText);
  if (!read.ok) return read;
  return prisma.$transaction(
    async (tx) => {
      const plan = await planMentions(tx, shop, read.table, now);
      if ("error" in plan) return { ok: false as const, error: plan.error };
      let imported = 0;
      for (let i = 0; i < plan.rows.length; i += 1000) {
        const { count } = await tx.socialMention.createMany({
          data: plan.rows.slice(i, i + 1000).map((r) => ({ shop, ...r })),
          skipDuplicates: true,
        });
        imported += count;
      }
      await refreshSignals(tx, shop, plan.rows.map((r) => r.customerId), now);
      return { ok: true as const, preview: plan.preview, imported };
    },
    { timeout: 60_000 },
  );
}

/** How many reviews and mention rows the shop holds. */
export async function importedTotals(shop: string): Promise<{ reviews: number; mentions: number }> {
  const [reviews, mentions] = await Promise.all([
    prisma.customerReview.count({ where: { shop } }),
    prisma.socialMention.count({ where: { shop } }),
  ]);
  return { reviews, mentions };
}

// ---- Summaries -------------------------------------------------------------------------------

/**
 * Recomputes the review and mention summaries of some customers from their rows (never
 * incremented, so a replay cannot count twice), then their scores.
 */
export async function refreshSignals(db: Db, shop: string, customerIds: string[], now = new Date()): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  await db.$executeRaw`
    WITH "ids" AS (SELECT unnest(CAST(${ids} AS text[])) AS "customerId"),
    "reviews" AS (
      SELECT "customerId", COUNT(*) AS "all", COUNT(*) FILTER (WHERE "rating" >= 4) AS "positive",
             COUNT(*) FILTER (WHERE "rating" = 5) AS "five"
      FROM "CustomerReview" WHERE "shop" = ${shop} AND "customerId" = ANY(CAST(${ids} AS text[])) GROUP BY "customerId"
    ),
    "mentions" AS (
      SELECT "customerId", LEAST(SUM("mentions"), 1000000000) AS "total"
      FROM "SocialMention" WHERE "shop" = ${shop} AND "customerId" = ANY(CAST(${ids} AS text[])) GROUP BY "customerId"
    )
    UPDATE "CustomerStats" c SET
      "reviewCount" = CAST(COALESCE(r."all", 0) AS INTEGER),
      "positiveReviewCount" = CAST(COALESCE(r."positive", 0) AS INTEGER),
      "fiveStarReviewCount" = CAST(COALESCE(r."five", 0) AS INTEGER),
      "mentionCount" = CAST(COALESCE(m."total", 0) AS INTEGER)
    FROM "ids" i LEFT JOIN "reviews" r ON r."customerId" = i."customerId" LEFT JOIN "mentions" m ON m."customerId" = i."customerId"
    WHERE c."shop" = ${shop} AND c."customerId" = i."customerId"`;
  await rescoreCustomers(db, shop, ids, now);
}

// ---- Personal data ---------------------------------------------------------------------------

export interface EngagementErasure {
  reviews: number;
  mentions: number;
}

/**
 * customers/redact: deletes the customer's reviews and mentions (found by customer id,
 * email, or the social handles their signup and ambassador profile gave) and zeroes their
 * summaries. Runs before the storefront erasure, which blanks those handles. Idempotent.
 */
export async function eraseEngagementPersonalData(
  shop: string,
  customer: { customerId?: string | null; email?: string | null },
  db: Db = prisma,
): Promise<EngagementErasure> {
  const customerId = customer.customerId ? String(customer.customerId).replace(/^gid:\/\/shopify\/Customer\//, "") : null;
  const email = customer.email?.trim().toLowerCase() || null;
  const who = [
    ...(customerId ? [{ customerId }] : []),
    ...(email ? [{ email }] : []),
  ];
  if (who.length === 0) return { reviews: 0, mentions: 0 };
  const [applications, ambassadors] = await Promise.all([
    db.ambassadorApplication.findMany({ where: { shop, OR: who }, select: { socialHandle: true } }),
    db.ambassador.findMany({ where: { shop, OR: who }, select: { socialHandle: true } }),
  ]);
  const handles = [...applications, ...ambassadors].map((a) => normalizeHandle(a.socialHandle)).filter(Boolean);
  const reviews = await db.customerReview.deleteMany({ where: { shop, OR: who } });
  const mentions = await db.socialMention.deleteMany({
    where: { shop, OR: [...who, ...(handles.length ? [{ handle: { in: handles } }] : [])] },
  });
  if (customerId) await refreshSignals(db, shop, [customerId]);
  return { reviews: reviews.count, mentions: mentions.count };
}

/** customers/data_request: the customer's imported reviews and mentions. */
export async function engagementDataReport(shop: string, customerId: string, db: Db = prisma) {
  const [reviews, mentions] = await Promise.all([
    db.customerReview.findMany({
      where: { shop, customerId },
      orderBy: { reviewedAt: "asc" },
      select: { source: true, rating: true, reviewedAt: true, body: true, email: true },
    }),
    db.socialMention.findMany({
      where: { shop, customerId },
      orderBy: { mentionedAt: "asc" },
      select: { handle: true, mentions: true, mentionedAt: true },
    }),
  ]);
  return { reviews, mentions };
}
