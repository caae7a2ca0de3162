/**
 * The store's order history as facts (one row per order, one per refund) and the
 * customer statistics derived from them. Every write is idempotent and independent of
 * delivery order: orders are keyed by id and a snapshot only replaces an older one,
 * refunds are keyed by refund id, and statistics are recomputed from the facts.
 */
import type { Readable } from "node:stream";
import { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { bulkWrites, type BulkTransaction } from "../../utils/bulk-writes.server";
import {
  ORDER_ROW_COLUMNS,
  parseBulkJsonlInWorker,
  STAGED_PROFILE_COLUMNS,
} from "./bulk-jsonl-parser.server";
import {
  clearStaged,
  isUniqueViolation,
  recomputeAllCustomersAfterSync,
  recomputeCustomers,
} from "./customer-stats.server";
import { rescoreCustomers, weightsOf } from "../Candidate/score.server";
import { normalizeDiscountCodes, type CustomerProfile, type OrderSnapshot, type RefundSnapshot } from "./snapshots";

export * from "./snapshots";

type Db = Prisma.TransactionClient;

// ---- Writing facts -------------------------------------------------------------------------

/**
 * Whether the snapshot `incoming` (an alias) is a newer version of the order than the
 * stored `held`: a later `sourceUpdatedAt`; at the same instant, a cancelled snapshot beats
 * one that is not and then the larger refund wins (cancellations and refunds only ever
 * happen later in an order's life). Equal versions change nothing, so the outcome depends
 * neither on delivery order nor on duplicates.
 */
function newerSnapshot(incoming: string, held: string): Prisma.Sql {
  const [i, h] = [Prisma.raw(incoming), Prisma.raw(held)];
  return Prisma.sql`(${i}."sourceUpdatedAt" > ${h}."sourceUpdatedAt"
     OR (${i}."sourceUpdatedAt" = ${h}."sourceUpdatedAt" AND (
          (${i}."cancelledAt" IS NOT NULL AND ${h}."cancelledAt" IS NULL)
       OR ((${i}."cancelledAt" IS NULL) = (${h}."cancelledAt" IS NULL) AND ${i}."refundedCents" > ${h}."refundedCents"))))`;
}

/** The same order, newest version first (the rule of newerSnapshot). */
const NEWEST_SNAPSHOT_FIRST = Prisma.sql`"sourceUpdatedAt" DESC, ("cancelledAt" IS NOT NULL) DESC, "refundedCents" DESC`;

const FACT_COLUMNS = Prisma.raw(
  `"orderId", "customerId", "processedAt", "totalCents", "refundedCents", "cancelledAt", "test", "discountCodes", "sourceUpdatedAt"`,
);

/** The upsert of OrderFact: a stored row is replaced by a newer version only. */
const NEWER_FACT_WINS = Prisma.sql`
  ON CONFLICT ("shop", "orderId") DO UPDATE SET
    "customerId" = excluded."customerId", "processedAt" = excluded."processedAt",
    "totalCents" = excluded."totalCents", "refundedCents" = excluded."refundedCents",
    "cancelledAt" = excluded."cancelledAt", "test" = excluded."test",
    "discountCodes" = excluded."discountCodes", "sourceUpdatedAt" = excluded."sourceUpdatedAt"
  WHERE ${newerSnapshot("excluded", '"OrderFact"')}`;

/**
 * Upserts customers' display data, bound as arrays: replaced by a newer profile only. An
 * erased customer stays erased, and a profile with a Shopify `updatedAt` older than the
 * stored one is ignored (customers/update can arrive late).
 */
function upsertProfiles(shop: string, profiles: CustomerProfile[]): Prisma.Sql {
  // Consent the source did not carry (null) keeps what is stored.
  return Prisma.sql`
  INSERT INTO "CustomerStats" ("shop", "customerId", "displayName", "email", "tags", "profileUpdatedAt", "emailSubscribed", "smsSubscribed")
  SELECT ${shop}, p.* FROM unnest(
    CAST(${profiles.map((p) => p.customerId)} AS text[]), CAST(${profiles.map((p) => p.displayName)} AS text[]),
    CAST(${profiles.map((p) => p.email)} AS text[]), CAST(${profiles.map((p) => p.tags.join(", "))} AS text[]),
    CAST(${profiles.map((p) => p.sourceUpdatedAt?.toISOString() ?? null)} AS timestamp(3)[]),
    CAST(${profiles.map((p) => p.emailSubscribed ?? null)} AS boolean[]),
    CAST(${profiles.map((p) => p.smsSubscribed ?? null)} AS boolean[])
  ) AS p
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "displayName" = excluded."displayName", "email" = excluded."email",
    "tags" = excluded."tags", "profileUpdatedAt" = excluded."profileUpdatedAt",
    "emailSubscribed" = COALESCE(excluded."emailSubscribed", "CustomerStats"."emailSubscribed"),
    "smsSubscribed" = COALESCE(excluded."smsSubscribed", "CustomerStats"."smsSubscribed")
  WHERE "CustomerStats"."personalDataErasedAt" IS NULL
    AND ("CustomerStats"."profileUpdatedAt" IS NULL OR excluded."profileUpdatedAt" > "CustomerStats"."profileUpdatedAt")`;
}

/** Discount codes as stored: one per line (codes are single-line). */
export function storedDiscountCodes(codes: string[]): string {
  return codes.join("\n");
}

export function parseStoredDiscountCodes(stored: string): string[] {
  return stored ? stored.split("\n") : [];
}

/** Whether snapshot `a` is a later version of the order than `b` (see newerSnapshot). */
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
    ...weightsOf(row ?? {}),
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
    // One statement: the customers the orders had (the snapshot before it), then the upsert.
    const previous = await tx.$queryRaw<{ customerId: string | null }[]>`
      WITH "input" AS (
        SELECT * FROM unnest(
          CAST(${orders.map((o) => o.orderId)} AS text[]), CAST(${orders.map((o) => o.customerId)} AS text[]),
          CAST(${orders.map((o) => o.processedAt.toISOString())} AS timestamp(3)[]),
          CAST(${orders.map((o) => o.totalCents)} AS bigint[]), CAST(${orders.map((o) => o.refundedCents)} AS bigint[]),
          CAST(${orders.map((o) => o.cancelledAt?.toISOString() ?? null)} AS timestamp(3)[]),
          CAST(${orders.map((o) => o.test)} AS boolean[]),
          CAST(${orders.map((o) => storedDiscountCodes(normalizeDiscountCodes(o.discountCodes)))} AS text[]),
          CAST(${orders.map((o) => o.sourceUpdatedAt.toISOString())} AS timestamp(3)[])
        ) AS i(${FACT_COLUMNS})
      ),
      "upserted" AS (
        INSERT INTO "OrderFact" ("shop", ${FACT_COLUMNS}) SELECT ${shop}, i.* FROM "input" i
        ${NEWER_FACT_WINS}
        RETURNING 1
      )
      SELECT o."customerId" FROM "OrderFact" o JOIN "input" i ON o."orderId" = i."orderId"
      WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL`;

    const profiles = newestProfiles(orders.flatMap((o) => (o.customer ? [o.customer] : [])));
    if (profiles.length > 0) await tx.$executeRaw(upsertProfiles(shop, profiles));

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
  return inTransaction(db, async (tx) => {
    await tx.refundFact.createMany({
      data: refunds.map((refund) => ({ shop, ...refund })),
      skipDuplicates: true,
    });
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
 * Stores customers' display data and marketing consent (customers/update): newer profiles
 * only, never for an erased customer. Counts are untouched; scores follow the consent.
 */
export async function upsertCustomerProfiles(
  shop: string,
  profiles: CustomerProfile[],
  db: Db = prisma,
): Promise<void> {
  const newest = newestProfiles(profiles);
  if (newest.length === 0) return;
  await db.$executeRaw(upsertProfiles(shop, newest));
  await rescoreCustomers(db, shop, newest.map((p) => p.customerId));
}

// ---- History sync: Shopify's bulk JSONL ------------------------------------------------------

export interface IngestOptions {
  /** Lines already committed by an earlier run (HistorySync.processedLines): skipped unread. */
  startAtLine?: number;
  /** Records progress in this HistorySync row, in the same transaction as each batch. */
  historySyncId?: string;
  /** Called after each committed batch. A throw stops the ingest; what was committed stays. */
  onProgress?: (linesDone: number, ordersDone: number) => void | Promise<void>;
  /** Orders per transaction (default 5,000), the resume granularity. */
  batchSize?: number;
  /**
   * Staged orders (see writeBatch) that start a merge into OrderFact (default 100,000)
   * when none is under way. Merges run beside the writing, on a connection of their own.
   */
  mergeEvery?: number;
}

export interface IngestResult {
  /** Lines in the file, the skipped ones included. */
  linesDone: number;
  /** Orders written by this run. */
  ordersDone: number;
}

/**
 * Batches the parser may run ahead of the writer (about 1 MB of COPY text each): enough to
 * keep it parsing while a batch commits, few enough to hold memory to tens of MB.
 */
const BATCHES_AHEAD = 8;

/**
 * The newest staged version of each order of the shop, in order id order (the staging
 * table is unindexed and may hold an order twice, e.g. a crashed run's row and the resumed
 * run's), up to a line of the file or all of them.
 */
function newestStagedOrders(shop: string, throughLine: number | null): Prisma.Sql {
  const upTo = throughLine === null ? Prisma.empty : Prisma.sql`AND "line" <= ${throughLine}`;
  return Prisma.sql`
    SELECT DISTINCT ON ("orderId") ${FACT_COLUMNS} FROM "OrderFactStaging"
    WHERE "shop" = ${shop} ${upTo}
    ORDER BY "orderId", ${NEWEST_SNAPSHOT_FIRST}`;
}

/**
 * Merges the shop's staged orders (up to a line, or all: then a crashed run's too) into
 * OrderFact with the "newer snapshot wins" rule, and deletes them from staging, in one
 * transaction. One MERGE does it with plain inserts (no per-row conflict check); should a
 * webhook store one of the new orders meanwhile, it is redone as an upsert.
 */
async function mergeStagedOrders(shop: string, throughLine: number | null): Promise<void> {
  // Planned on statistics of the table as it was (often empty), the merge could loop. In
  // a transaction of its own: ANALYZE holds its lock until the commit.
  await bulkWrites.transaction((tx) => tx.execute(Prisma.sql`ANALYZE "OrderFactStaging"`));
  await bulkWrites.transaction(async (tx) => {
    const staged = newestStagedOrders(shop, throughLine);
    try {
      await tx.savepoint(() =>
        tx.execute(Prisma.sql`
          MERGE INTO "OrderFact" o
          USING (${staged}) s ON o."shop" = ${shop} AND o."orderId" = s."orderId"
          WHEN MATCHED AND ${newerSnapshot("s", "o")} THEN UPDATE SET
            "customerId" = s."customerId", "processedAt" = s."processedAt", "totalCents" = s."totalCents",
            "refundedCents" = s."refundedCents", "cancelledAt" = s."cancelledAt", "test" = s."test",
            "discountCodes" = s."discountCodes", "sourceUpdatedAt" = s."sourceUpdatedAt"
          WHEN NOT MATCHED THEN INSERT ("shop", ${FACT_COLUMNS})
            VALUES (${shop}, s."orderId", s."customerId", s."processedAt", s."totalCents", s."refundedCents",
                    s."cancelledAt", s."test", s."discountCodes", s."sourceUpdatedAt")`),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await tx.execute(Prisma.sql`
        INSERT INTO "OrderFact" ("shop", ${FACT_COLUMNS}) SELECT ${shop}, s.* FROM (${staged}) s
        ${NEWER_FACT_WINS}`);
    }
    if (throughLine === null) await clearStaged(tx, "OrderFactStaging", shop);
    else await tx.execute(Prisma.sql`DELETE FROM "OrderFactStaging" WHERE "shop" = ${shop} AND "line" <= ${throughLine}`);
  });
}

/** A batch's order rows (COPY text) with the batch's last line appended to each, for OrderFactStaging. */
function withLine(rows: Uint8Array, line: number): string {
  return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength).toString().replace(/\n/g, `\t${line}\n`);
}

/**
 * Writes a parsed batch and records the progress, in one transaction. The orders go
 * straight into OrderFact with COPY when none of them is stored yet (a first sync: the
 * common case); when one is (a webhook stored it, or the file was read before), COPY
 * refuses the whole batch and it is appended to OrderFactStaging instead, to be merged
 * with the "newer snapshot wins" rule. Returns whether the orders were staged.
 */
async function writeBatch(
  tx: BulkTransaction,
  shop: string,
  batch: { orders: number; orderRows: Uint8Array; profiles: number; profileRows: Uint8Array; linesDone: number },
  historySyncId: string | undefined,
  /** The previous batch: committed and reported before this one records progress and commits. */
  previous: Promise<void>,
): Promise<boolean> {
  let staged = false;
  if (batch.orders > 0) {
    try {
      await tx.savepoint(() => tx.copy("OrderFact", ORDER_ROW_COLUMNS, batch.orderRows));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await tx.copy("OrderFactStaging", [...ORDER_ROW_COLUMNS, "line"], withLine(batch.orderRows, batch.linesDone));
      staged = true;
    }
  }
  if (batch.profiles > 0) await tx.copy("CustomerProfileStaging", STAGED_PROFILE_COLUMNS, batch.profileRows);
  await previous;
  if (historySyncId) {
    await tx.execute(Prisma.sql`
      UPDATE "HistorySync" SET "processedLines" = ${batch.linesDone}, "ordersIngested" = "ordersIngested" + ${batch.orders}
      WHERE "id" = ${historySyncId} AND "shop" = ${shop}`);
  }
  return staged;
}

/**
 * Ingests the JSONL result of OrderHistoryBulkQuery, streaming it (memory stays flat
 * whatever the file size). A worker thread cuts and parses the lines (child lines such as
 * line items are recognised on the raw bytes and skipped) and writes each batch as COPY
 * text, while this thread streams the previous batch into the database.
 *
 * Each batch of orders is one transaction that writes them with COPY, into OrderFact or,
 * where one of them is stored already, into the unindexed OrderFactStaging (see
 * writeBatch), stages the customers' display data (CustomerProfileStaging) and records
 * `processedLines` (when a HistorySync is given), so after a crash the caller resumes with
 * `startAtLine` = processedLines; the staged rows of the crashed run stay and are merged
 * with the resumed run's. Every `mergeEvery` staged orders, on a connection of its own,
 * and at the end, the staged rows are merged into OrderFact by order id (a re-read order
 * can never count twice). Finally the statistics and scores of all the shop's customers
 * are recomputed from the facts in set-based SQL, and the staged display data folded in.
 */
export async function ingestBulkOrdersJsonl(
  shop: string,
  input: Readable | string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { startAtLine = 0, historySyncId, onProgress, batchSize = 5_000, mergeEvery = 100_000 } = options;
  let linesDone = 0;
  let ordersDone = 0;
  let stagedSinceMerge = 0;
  let currencyCode: string | null = null;
  // At most one merge at a time; a failed one stops the ingest (its rows stay staged).
  let merging: Promise<void> | null = null;
  const mergeFailures: unknown[] = [];
  const batches = parseBulkJsonlInWorker(input, { shop, startAtLine, batchSize, batchesAhead: BATCHES_AHEAD });
  // Two batches at a time, on two connections: the next one is copied while the previous
  // one commits and reports its progress, and it commits only after that has succeeded,
  // so commits, processedLines and onProgress keep the file's order.
  let previous: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        linesDone = next.value;
        break;
      }
      if (mergeFailures.length > 0) throw mergeFailures[0];
      const batch = next.value;
      currencyCode ??= batch.currencyCode;
      if (batch.orders === 0 && batch.profiles === 0 && !historySyncId) continue;
      const before = previous;
      const written = bulkWrites.transaction((tx) => writeBatch(tx, shop, batch, historySyncId, before));
      const done = written.then(async (staged) => {
        ordersDone += batch.orders;
        if (staged) stagedSinceMerge += batch.orders;
        await onProgress?.(batch.linesDone, ordersDone);
        if (stagedSinceMerge >= mergeEvery && !merging) {
          stagedSinceMerge = 0;
          merging = mergeStagedOrders(shop, batch.linesDone)
            .catch((error: unknown) => void mergeFailures.push(error))
            .finally(() => (merging = null));
        }
      });
      // Awaited below or by the next batch; marked handled now so that a failure while the
      // worker parses on is not reported as unhandled.
      done.catch(() => undefined);
      previous = done;
      // The batch before this one is through before a third is read.
      await before;
    }
    await previous;
  } finally {
    // Stops the worker when this loop ends early (a failed write, a throwing onProgress),
    // and lets the last batch and a merge under way finish.
    await batches.return(0);
    await previous.catch(() => undefined);
    await merging;
  }
  if (mergeFailures.length > 0) throw mergeFailures[0];
  await mergeStagedOrders(shop, null);

  const state = await scoringState(prisma, shop);
  const now = new Date();
  const spendReferenceCents = await recomputeAllCustomersAfterSync(shop, state, now);
  await prisma.programSettings.upsert({
    where: { shop },
    create: { shop, spendReferenceCents, scoresComputedAt: now, currencyCode },
    update: { spendReferenceCents, scoresComputedAt: now, ...(currencyCode ? { currencyCode } : {}) },
  });
  // A candidate page walks the sort column's index only if the planner knows the new rows.
  await prisma.$executeRaw`ANALYZE "CustomerStats"`;
  return { linesDone, ordersDone };
}
