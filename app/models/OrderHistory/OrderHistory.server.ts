/**
 * The store's order history as facts (one row per order, one per refund) and the
 * customer statistics derived from them. Every write is idempotent and independent of
 * delivery order: orders are keyed by id and a snapshot only replaces an older one,
 * refunds are keyed by refund id, and statistics are recomputed from the facts.
 */
import { rowsOfShop, rowsWhereIn } from "../../utils/raw-rows.server";
import type { Readable } from "node:stream";
import type { Prisma, ProgramSettings } from "@prisma/client";
import prisma from "../../db.server";
import { bulkWrites } from "../../utils/bulk-writes.server";
import type { BulkValue } from "../../utils/bulk-writes.server";
import { parseBulkJsonlInWorker, type OrderFactRow, type ProfileRow } from "./bulk-jsonl-parser.server";
import { recomputeAllCustomers, recomputeCustomers } from "./customer-stats.server";
import {
  normalizeDiscountCodes,
  type CustomerProfile,
  type OrderSnapshot,
  type RefundSnapshot,
} from "./snapshots";
import {
  jsonArrayElements,
  jsonField,
  positional,
  refreshPlannerStatistics,
  storedTimestamp,
  type JsonFieldType,
} from "../../utils/sql-dialect.server";

export * from "./snapshots";

type Db = Prisma.TransactionClient;

// ---- Writing facts -------------------------------------------------------------------------

const ORDER_FACT_COLUMNS = [
  "orderId", "customerId", "processedAt", "totalCents", "refundedCents",
  "cancelledAt", "test", "discountCodes", "sourceUpdatedAt",
] as const;
const QUOTED_ORDER_FACT_COLUMNS = ORDER_FACT_COLUMNS.map((c) => `"${c}"`).join(", ");
const ORDER_FACT_TYPES: JsonFieldType[] = [
  "text", "text", "timestamp", "bigint", "bigint", "timestamp", "boolean", "text", "timestamp",
];

/**
 * The conflict clause of every upsert into `table` (OrderFact or OrderFactStaging). A
 * stored row is replaced only by a newer version: a later `sourceUpdatedAt`; at the same
 * instant, a cancelled snapshot beats one that is not and then the larger refund wins
 * (cancellations and refunds only ever happen later in an order's life). Equal versions
 * change nothing, so the outcome depends neither on delivery order nor on duplicates.
 */
function newerSnapshotWins(table: "OrderFact" | "OrderFactStaging"): string {
  return `
  ON CONFLICT ("shop", "orderId") DO UPDATE SET
    ${ORDER_FACT_COLUMNS.slice(1).map((c) => `"${c}" = excluded."${c}"`).join(",\n    ")}
  WHERE excluded."sourceUpdatedAt" > "${table}"."sourceUpdatedAt"
     OR (excluded."sourceUpdatedAt" = "${table}"."sourceUpdatedAt" AND (
          (excluded."cancelledAt" IS NOT NULL AND "${table}"."cancelledAt" IS NULL)
       OR ((excluded."cancelledAt" IS NULL) = ("${table}"."cancelledAt" IS NULL)
           AND excluded."refundedCents" > "${table}"."refundedCents")))`;
}

/** Upserts a batch of order rows (bound as one JSON parameter, one array per row). */
const UPSERT_ORDER_FACTS = positional(`
  INSERT INTO "OrderFact" ("shop", ${QUOTED_ORDER_FACT_COLUMNS})
  SELECT ?, ${ORDER_FACT_TYPES.map((type, i) => jsonField("r.value", i, type)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ${newerSnapshotWins("OrderFact")}`);

/**
 * The conflict clause of the profile upserts: display data is replaced by a newer profile
 * only. An erased customer stays erased, and a profile with a Shopify `updatedAt` older
 * than the stored one is ignored (customers/update can arrive late).
 */
const NEWER_PROFILE_WINS = `
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "displayName" = excluded."displayName",
    "email" = excluded."email",
    "tags" = excluded."tags",
    "profileUpdatedAt" = excluded."profileUpdatedAt"
  WHERE "CustomerStats"."personalDataErasedAt" IS NULL
    AND ("CustomerStats"."profileUpdatedAt" IS NULL
         OR excluded."profileUpdatedAt" > "CustomerStats"."profileUpdatedAt")`;

/** Upserts profiles bound as one JSON parameter (one array per profile). */
const UPSERT_PROFILES = positional(`
  INSERT INTO "CustomerStats" ("shop", "customerId", "displayName", "email", "tags", "profileUpdatedAt")
  SELECT ?, ${(["text", "text", "text", "text", "timestamp"] as const).map((type, i) => jsonField("r.value", i, type)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ${NEWER_PROFILE_WINS}`);

const INSERT_REFUND_FACTS = positional(`
  INSERT INTO "RefundFact" ("shop", "refundId", "orderId", "amountCents", "createdAt")
  SELECT ?, ${(["text", "text", "bigint", "timestamp"] as const).map((type, i) => jsonField("r.value", i, type)).join(", ")}
  FROM ${jsonArrayElements("r")} WHERE true
  ON CONFLICT ("shop", "refundId") DO NOTHING`);

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
  // Raw (see raw-rows.server.ts): read by every inbox batch.
  const [row] = await rowsOfShop<ProgramSettings>(db, shop, "ProgramSettings");
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
    const previous = await rowsWhereIn<{ customerId: string | null }>(tx, {
      table: "OrderFact",
      columns: ["customerId"],
      shop,
      column: "orderId",
      values: orders.map((o) => o.orderId),
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
  /**
   * Staged orders merged into OrderFact at a time (default 250,000). Larger passes write
   * OrderFact's randomly-placed index pages fewer times; smaller ones keep each pass
   * (which blocks the event loop) shorter.
   */
  mergeEvery?: number;
}

export interface IngestResult {
  /** Lines in the file, the skipped ones included. */
  linesDone: number;
  /** Orders written by this run. */
  ordersDone: number;
}

// ---- The bulk path: staged rows, merged in large sorted passes ------------------------------

/** Parsed orders into the staging table, several per statement (shop last in each row). */
const STAGE_ORDER_FACTS = (values: string) => `
  INSERT INTO "OrderFactStaging" (${QUOTED_ORDER_FACT_COLUMNS}, "shop")
  VALUES ${values}
  ${newerSnapshotWins("OrderFactStaging")}`;

/**
 * Parsed profiles into the profile staging table (shop last in each row): the newest per
 * customer, by the rule of NEWER_PROFILE_WINS (an undated profile never replaces a dated
 * one). Erasure is checked when they are folded into CustomerStats.
 */
const STAGE_PROFILES = (values: string) => `
  INSERT INTO "CustomerProfileStaging" ("customerId", "displayName", "email", "tags", "profileUpdatedAt", "shop")
  VALUES ${values}
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "displayName" = excluded."displayName",
    "email" = excluded."email",
    "tags" = excluded."tags",
    "profileUpdatedAt" = excluded."profileUpdatedAt"
  WHERE "CustomerProfileStaging"."profileUpdatedAt" IS NULL
     OR excluded."profileUpdatedAt" > "CustomerProfileStaging"."profileUpdatedAt"`;

/**
 * Staged rows into OrderFact, in primary-key order, with the same "newer wins" rule.
 * Done in one statement so that OrderFact's (shop, customerId) index, whose inserts land
 * at random places, is written once per pass instead of once per batch.
 */
const MERGE_STAGED_ORDER_FACTS = `
  INSERT INTO "OrderFact" ("shop", ${QUOTED_ORDER_FACT_COLUMNS})
  SELECT "shop", ${QUOTED_ORDER_FACT_COLUMNS} FROM "OrderFactStaging"
  WHERE "shop" = ? ORDER BY "orderId"
  ${newerSnapshotWins("OrderFact")}`;

const CLEAR_STAGED_ORDER_FACTS = `DELETE FROM "OrderFactStaging" WHERE "shop" = ?`;
/** Usually only one shop syncs at a time: then the whole table goes, which is cheaper. */

/**
 * Batches the parser may run ahead of the writer: enough to keep it parsing through most
 * of a merge pass (they wait serialized, about 1 MB each), few enough to hold memory to
 * tens of MB.
 */
const BATCHES_AHEAD = 20;

const ADVANCE_SYNC = `
  UPDATE "HistorySync" SET "processedLines" = ?, "ordersIngested" = "ordersIngested" + ?
  WHERE "id" = ? AND "shop" = ?`;


/** Merges everything staged for the shop, a crashed run's rows included, and clears it. */
async function mergeStagedOrderFacts(shop: string): Promise<void> {
  await bulkWrites.transaction(async (tx) => {
    await tx.execute(MERGE_STAGED_ORDER_FACTS, shop);
    // Only this shop's rows: another instance may be staging another shop's meanwhile.
    await tx.execute(CLEAR_STAGED_ORDER_FACTS, shop);
  });
}

/** Rows from the parser with the shop appended (they are this function's to change). */
function withShop(rows: (OrderFactRow | ProfileRow)[], shop: string): BulkValue[][] {
  const bound = rows as BulkValue[][];
  for (const row of bound) row.push(shop);
  return bound;
}

/**
 * Ingests the JSONL result of OrderHistoryBulkQuery, streaming it (memory stays flat
 * whatever the file size). A worker thread cuts and parses the lines (child lines such as
 * line items are recognised on the raw bytes and skipped) while this thread writes the
 * previous batch.
 *
 * Each batch of orders is one transaction that appends them to OrderFactStaging, stages
 * the customers' display data (CustomerProfileStaging) and records `processedLines` (when
 * a HistorySync is given), so after a crash the caller resumes with `startAtLine` =
 * processedLines; the staged rows of the crashed run stay and are merged with the resumed
 * run's. Every `mergeEvery` orders and at the end, the staged rows are merged into
 * OrderFact by order id (a re-read line can never count twice). Finally the statistics and
 * scores of all the shop's customers are recomputed from the facts in set-based SQL, and
 * the staged display data folded in with them.
 */
export async function ingestBulkOrdersJsonl(
  shop: string,
  input: Readable | string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { startAtLine = 0, historySyncId, onProgress, batchSize = 5_000, mergeEvery = 250_000 } = options;
  let linesDone = 0;
  let ordersDone = 0;
  let stagedSinceMerge = 0;
  let currencyCode: string | null = null;
  const batches = parseBulkJsonlInWorker(input, { startAtLine, batchSize, batchesAhead: BATCHES_AHEAD });
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        linesDone = next.value;
        break;
      }
      const batch = next.value;
      currencyCode ??= batch.currencyCode;
      const orders = batch.rows.length;
      if (orders === 0 && batch.profiles.length === 0 && !historySyncId) continue;
      await bulkWrites.transaction(async (tx) => {
        await tx.insertMany(STAGE_ORDER_FACTS, withShop(batch.rows, shop));
        await tx.insertMany(STAGE_PROFILES, withShop(batch.profiles, shop));
        if (historySyncId) await tx.execute(ADVANCE_SYNC, batch.linesDone, orders, historySyncId, shop);
      });
      ordersDone += orders;
      stagedSinceMerge += orders;
      await onProgress?.(batch.linesDone, ordersDone);
      if (stagedSinceMerge >= mergeEvery) {
        await mergeStagedOrderFacts(shop);
        stagedSinceMerge = 0;
      }
    }
  } finally {
    // Stops the worker when this loop ends early (a failed write, a throwing onProgress).
    await batches.return(0);
  }
  await mergeStagedOrderFacts(shop);

  await prisma.$transaction(
    async (tx) => {
      const state = await scoringState(tx, shop);
      const now = new Date();
      const spendReferenceCents = await recomputeAllCustomers(tx, shop, state, now, { stagedProfiles: true });
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
  await prisma.$executeRawUnsafe(refreshPlannerStatistics());
  return { linesDone, ordersDone };
}
