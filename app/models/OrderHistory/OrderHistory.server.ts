/**
 * The store's order history as facts (one row per order, one per refund) and the
 * customer statistics derived from them. Every write is idempotent and independent of
 * delivery order: orders are keyed by id and a snapshot only replaces an older one,
 * refunds are keyed by refund id, and statistics are recomputed from the facts.
 */
import fs from "node:fs";
import type { Readable } from "node:stream";
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { recomputeAllCustomers, recomputeCustomers } from "./customer-stats.server";
import { currencyExponent, toMinorUnits } from "./money";
import {
  normalizeDiscountCodes,
  numericId,
  type AdminOrderNode,
  type CustomerProfile,
  type OrderSnapshot,
  type RefundSnapshot,
} from "./snapshots";
import {
  jsonArrayElements,
  jsonField,
  refreshPlannerStatistics,
  storedTimestamp,
  storedTimestampFromIso,
} from "./sql-dialect.server";

export * from "./snapshots";

type Db = Prisma.TransactionClient;

// ---- Writing facts -------------------------------------------------------------------------

/**
 * An OrderFact row as bound into the batch upsert (one JSON array per row):
 * orderId, customerId, processedAt, totalCents, refundedCents, cancelledAt, test (0/1),
 * discountCodes, sourceUpdatedAt. Timestamps are in the stored form.
 */
type OrderFactRow = [
  string, string | null, string, number, number, string | null, 0 | 1, string, string,
];

const ORDER_FACT_COLUMNS = [
  "orderId", "customerId", "processedAt", "totalCents", "refundedCents",
  "cancelledAt", "test", "discountCodes", "sourceUpdatedAt",
] as const;

/**
 * Upserts a batch of order rows (bound as one JSON parameter). A stored row is replaced
 * only by a newer version: a later `sourceUpdatedAt`; at the same instant, a cancelled
 * snapshot beats one that is not and then the larger refund wins (cancellations and
 * refunds only ever happen later in an order's life). Equal versions change nothing, so
 * the outcome depends neither on delivery order nor on duplicates.
 */
const UPSERT_ORDER_FACTS = `
  INSERT INTO "OrderFact" ("shop", ${ORDER_FACT_COLUMNS.map((c) => `"${c}"`).join(", ")})
  SELECT ?, ${ORDER_FACT_COLUMNS.map((_, i) => jsonField("r.value", i)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ON CONFLICT ("shop", "orderId") DO UPDATE SET
    ${ORDER_FACT_COLUMNS.slice(1).map((c) => `"${c}" = excluded."${c}"`).join(",\n    ")}
  WHERE excluded."sourceUpdatedAt" > "OrderFact"."sourceUpdatedAt"
     OR (excluded."sourceUpdatedAt" = "OrderFact"."sourceUpdatedAt" AND (
          (excluded."cancelledAt" IS NOT NULL AND "OrderFact"."cancelledAt" IS NULL)
       OR ((excluded."cancelledAt" IS NULL) = ("OrderFact"."cancelledAt" IS NULL)
           AND excluded."refundedCents" > "OrderFact"."refundedCents")))`;

/** customerId, displayName, email, tags, profileUpdatedAt. */
type ProfileRow = [string, string | null, string | null, string, string | null];

/**
 * Upserts display data. An erased customer stays erased, and a profile with a Shopify
 * `updatedAt` older than the stored one is ignored (customers/update can arrive late).
 */
const UPSERT_PROFILES = `
  INSERT INTO "CustomerStats" ("shop", "customerId", "displayName", "email", "tags", "profileUpdatedAt")
  SELECT ?, ${[0, 1, 2, 3, 4].map((i) => jsonField("r.value", i)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "displayName" = excluded."displayName",
    "email" = excluded."email",
    "tags" = excluded."tags",
    "profileUpdatedAt" = excluded."profileUpdatedAt"
  WHERE "CustomerStats"."personalDataErasedAt" IS NULL
    AND ("CustomerStats"."profileUpdatedAt" IS NULL
         OR excluded."profileUpdatedAt" > "CustomerStats"."profileUpdatedAt")`;

const INSERT_REFUND_FACTS = `
  INSERT INTO "RefundFact" ("shop", "refundId", "orderId", "amountCents", "createdAt")
  SELECT ?, ${[0, 1, 2, 3].map((i) => jsonField("r.value", i)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ON CONFLICT ("shop", "refundId") DO NOTHING`;

/** Discount codes as stored: one per line (codes are single-line). */
export function storedDiscountCodes(codes: string[]): string {
  return codes.join("\n");
}

export function parseStoredDiscountCodes(stored: string): string[] {
  return stored ? stored.split("\n") : [];
}

function orderFactRow(snapshot: OrderSnapshot): OrderFactRow {
  return [
    snapshot.orderId,
    snapshot.customerId,
    storedTimestamp(snapshot.processedAt),
    snapshot.totalCents,
    snapshot.refundedCents,
    snapshot.cancelledAt ? storedTimestamp(snapshot.cancelledAt) : null,
    snapshot.test ? 1 : 0,
    storedDiscountCodes(normalizeDiscountCodes(snapshot.discountCodes)),
    storedTimestamp(snapshot.sourceUpdatedAt),
  ];
}

function profileRow(profile: CustomerProfile): ProfileRow {
  return [
    profile.customerId,
    profile.displayName,
    profile.email,
    profile.tags.join(", "),
    profile.sourceUpdatedAt ? storedTimestamp(profile.sourceUpdatedAt) : null,
  ];
}

/** Whether snapshot `a` is a later version of the order than `b` (see UPSERT_ORDER_FACTS). */
function isLaterVersion(a: OrderSnapshot, b: OrderSnapshot): boolean {
  const at = a.sourceUpdatedAt.getTime();
  const bt = b.sourceUpdatedAt.getTime();
  if (at !== bt) return at > bt;
  if ((a.cancelledAt === null) !== (b.cancelledAt === null)) return a.cancelledAt !== null;
  return a.refundedCents > b.refundedCents;
}

/** One profile per customer: the newest (an undated one never replaces a dated one). */
function newestProfiles(profiles: Iterable<CustomerProfile>): CustomerProfile[] {
  const byCustomer = new Map<string, CustomerProfile>();
  for (const profile of profiles) {
    const held = byCustomer.get(profile.customerId);
    const newer =
      !held ||
      (profile.sourceUpdatedAt !== null &&
        (held.sourceUpdatedAt === null || profile.sourceUpdatedAt > held.sourceUpdatedAt));
    if (newer) byCustomer.set(profile.customerId, profile);
  }
  return [...byCustomer.values()];
}

async function scoringState(db: Db, shop: string) {
  const row = await db.programSettings.findUnique({ where: { shop } });
  return {
    minOrders: row?.minOrders ?? 2,
    minSpentCents: Number(row?.minSpentCents ?? 0),
    recencyDays: row?.recencyDays ?? 365,
    spendReferenceCents: Number(row?.spendReferenceCents ?? 0),
    currencyCode: row?.currencyCode ?? null,
  };
}

async function inTransaction<T>(db: Db | undefined, work: (tx: Db) => Promise<T>): Promise<T> {
  return db ? work(db) : prisma.$transaction(work);
}

// ---- Live updates: webhooks and pages of orders ----------------------------------------------

export interface UpsertOrdersResult {
  /** Customers whose statistics were recomputed. */
  affectedCustomerIds: string[];
}

/**
 * Stores order snapshots (from webhooks or a page of the paginated sync) and recomputes
 * the statistics and scores of every customer they touch, including a customer an order
 * moved away from. Idempotent and order-independent (see UPSERT_ORDER_FACTS). Pass `db`
 * to run inside the caller's transaction (e.g. WebhookDelivery's `handleOnce`).
 */
export async function upsertOrderSnapshots(
  shop: string,
  snapshots: OrderSnapshot[],
  db?: Db,
): Promise<UpsertOrdersResult> {
  if (snapshots.length === 0) return { affectedCustomerIds: [] };
  const latest = new Map<string, OrderSnapshot>();
  for (const snapshot of snapshots) {
    const held = latest.get(snapshot.orderId);
    if (!held || isLaterVersion(snapshot, held)) latest.set(snapshot.orderId, snapshot);
  }
  const orders = [...latest.values()];

  return inTransaction(db, async (tx) => {
    const previous = await tx.orderFact.findMany({
      where: { shop, orderId: { in: orders.map((o) => o.orderId) } },
      select: { customerId: true },
    });
    await tx.$executeRawUnsafe(UPSERT_ORDER_FACTS, shop, JSON.stringify(orders.map(orderFactRow)));

    const profiles = newestProfiles(orders.flatMap((o) => (o.customer ? [o.customer] : [])));
    if (profiles.length > 0) {
      await tx.$executeRawUnsafe(UPSERT_PROFILES, shop, JSON.stringify(profiles.map(profileRow)));
    }

    const state = await scoringState(tx, shop);
    const currencyCode = orders.find((o) => o.currencyCode)?.currencyCode;
    if (currencyCode && currencyCode !== state.currencyCode) {
      await tx.programSettings.upsert({
        where: { shop },
        create: { shop, currencyCode },
        update: { currencyCode },
      });
    }

    const affected = new Set<string>();
    for (const { customerId } of [...previous, ...orders]) if (customerId) affected.add(customerId);
    const affectedCustomerIds = [...affected];
    await recomputeCustomers(tx, shop, affectedCustomerIds, state);
    return { affectedCustomerIds };
  });
}

/**
 * Stores refunds from refunds/create (a replayed refund id adds nothing) and recomputes
 * the customers of their orders. A refund for an order not stored yet is kept and counted
 * when the order arrives.
 */
export async function recordRefunds(
  shop: string,
  refunds: RefundSnapshot[],
  db?: Db,
): Promise<UpsertOrdersResult> {
  if (refunds.length === 0) return { affectedCustomerIds: [] };
  const rows = refunds.map((refund) => [
    refund.refundId,
    refund.orderId,
    refund.amountCents,
    storedTimestamp(refund.createdAt),
  ]);
  return inTransaction(db, async (tx) => {
    await tx.$executeRawUnsafe(INSERT_REFUND_FACTS, shop, JSON.stringify(rows));
    const orders = await tx.orderFact.findMany({
      where: { shop, orderId: { in: refunds.map((r) => r.orderId) }, customerId: { not: null } },
      select: { customerId: true },
    });
    const affectedCustomerIds = [...new Set(orders.map((o) => o.customerId as string))];
    await recomputeCustomers(tx, shop, affectedCustomerIds, await scoringState(tx, shop));
    return { affectedCustomerIds };
  });
}

/**
 * Stores customers' display data (customers/update): newer profiles only, never for an
 * erased customer. Counts and scores are untouched.
 */
export async function upsertCustomerProfiles(
  shop: string,
  profiles: CustomerProfile[],
  db: Db = prisma,
): Promise<void> {
  const newest = newestProfiles(profiles);
  if (newest.length === 0) return;
  await db.$executeRawUnsafe(UPSERT_PROFILES, shop, JSON.stringify(newest.map(profileRow)));
}

// ---- History sync: Shopify's bulk JSONL ------------------------------------------------------

export interface IngestOptions {
  /** Lines already committed by an earlier run (HistorySync.processedLines): skipped unread. */
  startAtLine?: number;
  /** Records progress in this HistorySync row, in the same transaction as each batch. */
  historySyncId?: string;
  /** Called after each committed batch. A throw stops the ingest; what was committed stays. */
  onProgress?: (linesDone: number, ordersDone: number) => void | Promise<void>;
  /**
   * Orders per transaction (default 5,000), the resume granularity. Larger batches commit
   * less often (a little faster) but hold more memory.
   */
  batchSize?: number;
}

export interface IngestResult {
  /** Lines in the file, the skipped ones included. */
  linesDone: number;
  /** Orders written by this run. */
  ordersDone: number;
}

const NEWLINE = 0x0a;
const PARENT_KEY = Buffer.from('"__parentId":');
/**
 * Rows per statement. Prisma keeps the arguments of its last 100 debug calls (even with
 * debugging off), batch JSON included, so statement size bounds that memory; and a JSON
 * parameter under ~128 KB is an ordinary young object for V8, not a large object that
 * lingers in old space until a full GC. 250 rows ≈ 30 KB.
 */
const ROWS_PER_STATEMENT = 250;

/**
 * Which customer profiles this ingest already wrote, in fixed memory: a direct-mapped
 * table of customer id → profile fingerprint. A customer's orders repeat the same profile
 * all through the file; skipping the repeats saves an upsert per returning order. A
 * collision only forgets an entry (one redundant upsert), so memory stays flat however
 * many customers the shop has.
 */
class WrittenProfiles {
  private readonly ids = new Float64Array(1 << 19);
  private readonly fingerprints = new Int32Array(1 << 19);

  /** True when this exact profile was written before; otherwise remembers it. */
  seen(profile: ProfileRow): boolean {
    const id = Number(profile[0]);
    let fingerprint = 0;
    for (const field of [profile[1], profile[2], profile[3], profile[4]]) {
      const text = field ?? "\u0000";
      for (let i = 0; i < text.length; i++) fingerprint = (Math.imul(fingerprint, 31) + text.charCodeAt(i)) | 0;
      fingerprint = Math.imul(fingerprint, 31) | 0;
    }
    const slot = (Math.imul(id % 2_147_483_647 | 0, 0x9e3779b1) >>> 13) & (this.ids.length - 1);
    if (this.ids[slot] === id && this.fingerprints[slot] === fingerprint) return true;
    this.ids[slot] = id;
    this.fingerprints[slot] = fingerprint;
    return false;
  }
}

/**
 * The OrderFact row and profile of one bulk Order line. Like orderSnapshotFromAdminApi but
 * straight to stored form, without building Dates: this runs once per order of the shop.
 */
function bulkOrderRow(node: AdminOrderNode): { row: OrderFactRow; profile: ProfileRow | null; currencyCode: string | null } {
  const currencyCode = node.totalPriceSet.shopMoney.currencyCode ?? null;
  const exponent = currencyExponent(currencyCode);
  const customer = node.customer;
  const customerId = customer ? numericId(customer.id, "Customer") : null;
  const row: OrderFactRow = [
    numericId(node.id, "Order"),
    customerId,
    storedTimestampFromIso(node.processedAt),
    toMinorUnits(node.totalPriceSet.shopMoney.amount, exponent),
    node.totalRefundedSet ? toMinorUnits(node.totalRefundedSet.shopMoney.amount, exponent) : 0,
    node.cancelledAt ? storedTimestampFromIso(node.cancelledAt) : null,
    node.test === true ? 1 : 0,
    node.discountCodes && node.discountCodes.length > 0
      ? storedDiscountCodes(normalizeDiscountCodes(node.discountCodes))
      : "",
    storedTimestampFromIso(node.updatedAt),
  ];
  const profile: ProfileRow | null =
    customer && customerId
      ? [
          customerId,
          customer.displayName?.trim() || null,
          customer.defaultEmailAddress?.emailAddress?.trim() || null,
          (customer.tags ?? []).join(", "),
          customer.updatedAt ? storedTimestampFromIso(customer.updatedAt) : null,
        ]
      : null;
  return { row, profile, currencyCode };
}

/**
 * Ingests the JSONL result of OrderHistoryBulkQuery, streaming it line by line (memory
 * stays flat whatever the file size). Order lines become OrderFacts and customer display
 * data; child lines (`__parentId`, e.g. line items) are recognised on the raw bytes and
 * skipped without being decoded or parsed.
 *
 * Each batch of orders is one transaction that also records `processedLines` (when a
 * HistorySync is given), so after a crash the caller resumes with `startAtLine` =
 * processedLines; as facts are upserted by order id, re-reading a line can never count
 * twice either. At the end the statistics and scores of all the shop's customers are
 * recomputed from the facts in set-based SQL.
 */
export async function ingestBulkOrdersJsonl(
  shop: string,
  input: Readable | string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { startAtLine = 0, historySyncId, onProgress, batchSize = 5_000 } = options;
  const stream = typeof input === "string" ? fs.createReadStream(input, { highWaterMark: 1 << 18 }) : input;

  let linesDone = 0;
  let ordersDone = 0;
  let currencyCode: string | null = null;
  // Rows go into JSON a statement's worth at a time: between commits the batch is held
  // as a few compact strings, not as many small objects the GC would promote.
  let rows: OrderFactRow[] = [];
  let profiles: ProfileRow[] = [];
  let factBatches: string[] = [];
  let profileBatches: string[] = [];
  let batchOrders = 0;
  const writtenProfiles = new WrittenProfiles();

  const readLine = (buffer: Buffer, start: number, end: number) => {
    linesDone += 1;
    if (linesDone <= startAtLine || end <= start) return;
    if (buffer.subarray(start, end).includes(PARENT_KEY)) return; // a child line
    const text = buffer.toString("utf8", start, end);
    if (text.trim() === "") return;
    let parsed: ReturnType<typeof bulkOrderRow>;
    try {
      parsed = bulkOrderRow(JSON.parse(text) as AdminOrderNode);
    } catch (error) {
      throw new Error(`Bulk JSONL line ${linesDone}: ${(error as Error).message}`);
    }
    batchOrders += 1;
    rows.push(parsed.row);
    if (rows.length === ROWS_PER_STATEMENT) {
      factBatches.push(JSON.stringify(rows));
      rows = [];
    }
    // Within a statement the upsert keeps the newest profile anyway (profileUpdatedAt).
    if (parsed.profile && !writtenProfiles.seen(parsed.profile)) {
      profiles.push(parsed.profile);
      if (profiles.length === ROWS_PER_STATEMENT) {
        profileBatches.push(JSON.stringify(profiles));
        profiles = [];
      }
    }
    currencyCode ??= parsed.currencyCode;
  };

  const flush = async () => {
    if (rows.length > 0) factBatches.push(JSON.stringify(rows));
    if (profiles.length > 0) profileBatches.push(JSON.stringify(profiles));
    rows = [];
    profiles = [];
    if (factBatches.length === 0 && !historySyncId) return;
    const statements: Prisma.PrismaPromise<unknown>[] = [
      ...factBatches.map((json) => prisma.$executeRawUnsafe(UPSERT_ORDER_FACTS, shop, json)),
      ...profileBatches.map((json) => prisma.$executeRawUnsafe(UPSERT_PROFILES, shop, json)),
    ];
    if (historySyncId) {
      statements.push(
        prisma.historySync.updateMany({
          where: { id: historySyncId, shop },
          data: { processedLines: linesDone, ordersIngested: { increment: batchOrders } },
        }),
      );
    }
    await prisma.$transaction(statements);
    ordersDone += batchOrders;
    batchOrders = 0;
    factBatches = [];
    profileBatches = [];
    await onProgress?.(linesDone, ordersDone);
  };

  // Lines are cut on the raw bytes; a line split across chunks is joined once.
  let carry: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    if (carry) {
      const newline = buffer.indexOf(NEWLINE);
      if (newline === -1) {
        carry = Buffer.concat([carry, buffer]);
        continue;
      }
      const line = Buffer.concat([carry, buffer.subarray(0, newline)]);
      carry = null;
      readLine(line, 0, line.length);
      start = newline + 1;
    }
    for (let newline = buffer.indexOf(NEWLINE, start); newline !== -1; newline = buffer.indexOf(NEWLINE, start)) {
      readLine(buffer, start, newline);
      start = newline + 1;
      if (batchOrders >= batchSize) await flush();
    }
    if (start < buffer.length) carry = buffer.subarray(start);
    if (batchOrders >= batchSize) await flush();
  }
  if (carry) readLine(carry, 0, carry.length);
  await flush();

  await prisma.$transaction(
    async (tx) => {
      const state = await scoringState(tx, shop);
      const now = new Date();
      const spendReferenceCents = await recomputeAllCustomers(tx, shop, state, now);
      await tx.programSettings.upsert({
        where: { shop },
        create: { shop, spendReferenceCents, scoresComputedAt: now, currencyCode },
        update: {
          spendReferenceCents,
          scoresComputedAt: now,
          ...(currencyCode ? { currencyCode } : {}),
        },
      });
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
  await prisma.$queryRawUnsafe(refreshPlannerStatistics());
  return { linesDone, ordersDone };
}
