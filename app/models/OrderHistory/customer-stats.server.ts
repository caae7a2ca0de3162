/**
 * CustomerStats recomputed from the facts, in set-based SQL. Counting orders, net spend
 * and dates are derived from OrderFact and RefundFact only, never incremented, so replayed,
 * reordered or resumed deliveries cannot count anything twice.
 */
import { Prisma } from "@prisma/client";
import {
  addEngagement,
  engagementColumnsOf,
  scoreExpression,
  weightsOf,
  type EngagementWeights,
} from "../Candidate/score.server";
import { bulkWrites, type BulkTransaction } from "../../utils/bulk-writes.server";

type Db = Prisma.TransactionClient;

/**
 * An order's refunded amount is the larger of what its latest snapshot says and the sum
 * of the refunds/create deliveries seen for it. Both only grow as refunds happen, and
 * whichever source is behind (a refund webhook before its orders/updated, or a refund
 * whose webhook never came) is covered by the other, so the result converges to Shopify's
 * figure whatever the delivery order, and a replayed refund (same refund id) adds nothing.
 */
const EFFECTIVE_REFUND = Prisma.sql`GREATEST(COALESCE(r."amount", 0), o."refundedCents")`;

/** Counts towards "repeat": not cancelled, not a test, not fully refunded. */
const COUNTS = Prisma.sql`(o."cancelledAt" IS NULL AND NOT o."test" AND ${EFFECTIVE_REFUND} < o."totalCents")`;

/**
 * The per-customer totals over the shop's facts, as the CTEs "refunds", "facts" and
 * "totals": of some customers (found through the (shop, customerId) index), or of all.
 */
function totalsCte(shop: string, customerIds: string[] | null, part: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const ofCustomers = (alias: string) =>
    customerIds === null
      ? Prisma.sql`${Prisma.raw(alias)}."customerId" IS NOT NULL`
      : Prisma.sql`${Prisma.raw(alias)}."customerId" = ANY(CAST(${customerIds} AS text[]))`;
  // For some customers, only their orders' refunds (a webhook batch recomputes a few
  // customers: summing the whole shop's refunds each time would grow with the shop).
  const refundScope =
    customerIds === null
      ? Prisma.empty
      : Prisma.sql`AND "orderId" IN (SELECT o2."orderId" FROM "OrderFact" o2 WHERE o2."shop" = ${shop} AND ${ofCustomers("o2")})`;
  return Prisma.sql`
  "refunds" AS (
    SELECT "orderId", CAST(SUM("amountCents") AS bigint) AS "amount" FROM "RefundFact"
    WHERE "shop" = ${shop} ${refundScope} GROUP BY "orderId"
  ),
  "facts" AS (
    SELECT o."customerId", o."processedAt", o."totalCents" - ${EFFECTIVE_REFUND} AS "net", ${COUNTS} AS "counts"
    FROM "OrderFact" o LEFT JOIN "refunds" r ON r."orderId" = o."orderId"
    WHERE o."shop" = ${shop} AND ${ofCustomers("o")} AND ${part}
  ),
  "totals" AS (
    SELECT "customerId",
           COUNT(*) FILTER (WHERE "counts") AS "orderCount",
           COALESCE(SUM("net") FILTER (WHERE "counts"), 0) AS "netSpentCents",
           MIN("processedAt") FILTER (WHERE "counts") AS "firstOrderAt",
           MAX("processedAt") FILTER (WHERE "counts") AS "lastOrderAt"
    FROM "facts" GROUP BY "customerId"
  )`;
}

const TOTALS_COLUMNS = {
  orderCount: Prisma.sql`t."orderCount"`,
  netSpentCents: Prisma.sql`t."netSpentCents"`,
  lastOrderAt: Prisma.sql`t."lastOrderAt"`,
};

/** The totals scored with the engagement signals already stored ("c", joined by key). */
const TOTALS_WITH_STORED_ENGAGEMENT = { ...TOTALS_COLUMNS, engagement: engagementColumnsOf("c") };

function joinStored(shop: string): Prisma.Sql {
  return Prisma.sql`LEFT JOIN "CustomerStats" c ON c."shop" = ${shop} AND c."customerId" = t."customerId"`;
}

/** Only rows whose figures change are written. */
const TOTALS_CHANGED = Prisma.sql`
     "CustomerStats"."orderCount" <> excluded."orderCount"
  OR "CustomerStats"."netSpentCents" <> excluded."netSpentCents"
  OR "CustomerStats"."firstOrderAt" IS DISTINCT FROM excluded."firstOrderAt"
  OR "CustomerStats"."lastOrderAt" IS DISTINCT FROM excluded."lastOrderAt"
  OR "CustomerStats"."scoreMilli" <> excluded."scoreMilli"`;

/** Customers left with no fact at all (every order moved away): back to zero. */
function zeroOrphans(shop: string, customerIds: string[] | null): Prisma.Sql {
  const scope = customerIds === null ? Prisma.empty : Prisma.sql`AND "customerId" = ANY(CAST(${customerIds} AS text[]))`;
  return Prisma.sql`
  UPDATE "CustomerStats"
  SET "orderCount" = 0, "netSpentCents" = 0, "firstOrderAt" = NULL, "lastOrderAt" = NULL, "scoreMilli" = 0
  WHERE "shop" = ${shop} AND "orderCount" > 0 ${scope}
    AND NOT EXISTS (
      SELECT 1 FROM "OrderFact" o
      WHERE o."shop" = "CustomerStats"."shop" AND o."customerId" = "CustomerStats"."customerId"
    )`;
}

export interface ScoringSettings extends Partial<EngagementWeights> {
  minOrders: number;
  minSpentCents: number;
  recencyDays: number;
}

/**
 * Recomputes the statistics and scores of the given customers (a webhook or a page of
 * orders touched them), scoring with the shop's stored spend reference.
 */
export async function recomputeCustomers(
  db: Db,
  shop: string,
  customerIds: string[],
  settings: ScoringSettings & { spendReferenceCents: number },
  now = new Date(),
): Promise<void> {
  if (customerIds.length === 0) return;
  const ids = [...new Set(customerIds)];
  const score = scoreExpression(TOTALS_WITH_STORED_ENGAGEMENT, settings, now);
  await db.$executeRaw`
    WITH ${totalsCte(shop, ids)}
    INSERT INTO "CustomerStats" ("shop", "customerId", "orderCount", "netSpentCents", "firstOrderAt", "lastOrderAt", "scoreMilli")
    SELECT ${shop}, t."customerId", t."orderCount", t."netSpentCents", t."firstOrderAt", t."lastOrderAt", ${score}
    FROM "totals" t ${joinStored(shop)}
    ON CONFLICT ("shop", "customerId") DO UPDATE SET
      "orderCount" = excluded."orderCount",
      "netSpentCents" = excluded."netSpentCents",
      "firstOrderAt" = excluded."firstOrderAt",
      "lastOrderAt" = excluded."lastOrderAt",
      "scoreMilli" = excluded."scoreMilli"
    WHERE ${TOTALS_CHANGED}`;
  await db.$executeRaw(zeroOrphans(shop, ids));
}

/** The whole shop's totals, scored with the spend reference they give ("reference"). */
function scoredTotals(shop: string, settings: ScoringSettings, now: Date) {
  const score = scoreExpression(
    TOTALS_WITH_STORED_ENGAGEMENT,
    { ...settings, spendReferenceCents: Prisma.sql`"reference"."mean"` },
    now,
  );
  return {
    cte: Prisma.sql`${totalsCte(shop, null)},
    "reference" AS (
      SELECT GREATEST(ROUND(AVG("netSpentCents")), 1) AS "mean" FROM "totals" WHERE "orderCount" > 0
    )`,
    score,
  };
}

/**
 * Recomputes the statistics and scores of every customer of the shop from its facts, with
 * the spend reference recomputed from the same totals. Returns the new spend reference.
 */
export async function recomputeAllCustomers(
  db: Db,
  shop: string,
  settings: ScoringSettings,
  now = new Date(),
): Promise<number> {
  const { cte, score } = scoredTotals(shop, settings, now);
  await db.$executeRaw(zeroOrphans(shop, null));
  await db.$executeRaw(Prisma.sql`
    WITH ${cte}
    INSERT INTO "CustomerStats" ("shop", "customerId", "orderCount", "netSpentCents", "firstOrderAt", "lastOrderAt", "scoreMilli")
    SELECT ${shop}, t."customerId", t."orderCount", t."netSpentCents", t."firstOrderAt", t."lastOrderAt", ${score}
    FROM "totals" t CROSS JOIN "reference" ${joinStored(shop)}
    ON CONFLICT ("shop", "customerId") DO UPDATE SET
      "orderCount" = excluded."orderCount",
      "netSpentCents" = excluded."netSpentCents",
      "firstOrderAt" = excluded."firstOrderAt",
      "lastOrderAt" = excluded."lastOrderAt",
      "scoreMilli" = excluded."scoreMilli"
    WHERE ${TOTALS_CHANGED}`);
  const { _avg } = await db.customerStats.aggregate({ where: { shop, orderCount: { gt: 0 } }, _avg: { netSpentCents: true } });
  return Math.max(1, Math.round(Number(_avg.netSpentCents ?? 0)));
}

/**
 * The newest staged profile of each customer of a part (CustomerProfileStaging holds one
 * row per profile a sync read, in no order), by the rule of the profile upserts: the
 * latest `profileUpdatedAt`, the first read of equal ones (only a newer one replaces), a
 * dated one over any undated one, and the last read of undated ones.
 */
function newestStagedProfiles(shop: string, part: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  return Prisma.sql`
    SELECT DISTINCT ON ("customerId") "customerId", "displayName", "email", "tags", "profileUpdatedAt",
      "emailSubscribed", "smsSubscribed"
    FROM "CustomerProfileStaging" WHERE "shop" = ${shop} AND ${part}
    ORDER BY "customerId", "profileUpdatedAt" DESC NULLS LAST,
      CASE WHEN "profileUpdatedAt" IS NULL THEN -"line" ELSE "line" END`;
}

/** PostgreSQL's error for a row that another transaction inserted first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "23505";
}

/**
 * The parts the end of a sync splits the shop's customers into, each written on a
 * connection of its own (one per core of a small database server).
 */
const PARTS = 2;

/** Whether `column` (a customer id) falls in part `part` of PARTS. */
function inPart(column: Prisma.Sql, part: number): Prisma.Sql {
  return Prisma.sql`(hashtext(${column}) & ${PARTS - 1}) = ${part}`;
}

/**
 * The end of a history sync: recomputes every customer of the shop from its facts (as
 * recomputeAllCustomers) and folds in the display data the sync staged, a profile only
 * where it is newer than the stored one and never over an erased customer; then clears
 * the shop's staged profiles. Returns the new spend reference.
 *
 * The customers are written in PARTS parts at once, each scored with the spend reference
 * stored before; then the reference is recomputed from the new totals and the candidates'
 * scores (the only ones it changes: everyone else scores 0 whatever the reference) are
 * updated with it. New customers are inserted by MERGE (plain inserts, no per-row conflict
 * check); should another writer (a webhook) insert one of them meanwhile, that part is
 * redone as an upsert, which settles each row whoever came first.
 */
export async function recomputeAllCustomersAfterSync(
  shop: string,
  settings: ScoringSettings & { spendReferenceCents: number },
  now = new Date(),
): Promise<number> {
  await bulkWrites.transaction(async (tx) => {
    // A first sync has no customers yet: nothing to update, nothing can be an orphan.
    const [known] = await tx.query(Prisma.sql`SELECT 1 FROM "CustomerStats" WHERE "shop" = ${shop} LIMIT 1`);
    if (!known) return;
    // Existing customers take a newer staged profile here; new ones get theirs as they are created.
    await tx.execute(Prisma.sql`
      UPDATE "CustomerStats" SET
        "displayName" = p."displayName", "email" = p."email", "tags" = p."tags", "profileUpdatedAt" = p."profileUpdatedAt",
        "emailSubscribed" = COALESCE(p."emailSubscribed", "CustomerStats"."emailSubscribed"),
        "smsSubscribed" = COALESCE(p."smsSubscribed", "CustomerStats"."smsSubscribed")
      FROM (${newestStagedProfiles(shop)}) p
      WHERE "CustomerStats"."shop" = ${shop} AND "CustomerStats"."customerId" = p."customerId"
        AND "CustomerStats"."personalDataErasedAt" IS NULL
        AND ("CustomerStats"."profileUpdatedAt" IS NULL OR p."profileUpdatedAt" > "CustomerStats"."profileUpdatedAt")`);
    // Before the totals: only customers that had orders can be orphans.
    await tx.execute(zeroOrphans(shop, null));
  });

  // The sync just wrote most of these rows. Planned on the statistics of the tables as
  // they were (nearly empty), the parts join every customer to every staged profile.
  await bulkWrites.transaction((tx) => tx.execute(Prisma.sql`ANALYZE "OrderFact", "CustomerProfileStaging"`));
  await Promise.all(
    Array.from({ length: PARTS }, (_, part) =>
      bulkWrites.transaction((tx) => writePartTotals(tx, shop, part, settings, now)),
    ),
  );

  return bulkWrites.transaction(async (tx) => {
    const [{ mean }] = await tx.query<{ mean: string | null }>(Prisma.sql`
      SELECT AVG("netSpentCents") AS "mean" FROM "CustomerStats" WHERE "shop" = ${shop} AND "orderCount" > 0`);
    const spendReferenceCents = Math.max(1, Math.round(Number(mean ?? 0)));
    if (spendReferenceCents !== settings.spendReferenceCents) {
      const score = scoreExpression(
        {
          orderCount: Prisma.sql`"orderCount"`,
          netSpentCents: Prisma.sql`"netSpentCents"`,
          lastOrderAt: Prisma.sql`"lastOrderAt"`,
          engagement: engagementColumnsOf(),
        },
        { ...settings, spendReferenceCents },
        now,
      );
      await tx.execute(Prisma.sql`
        UPDATE "CustomerStats" SET "scoreMilli" = ${score}
        WHERE "shop" = ${shop} AND "scoreMilli" > 0 AND "scoreMilli" <> ${score}`);
    }
    await clearStaged(tx, "CustomerProfileStaging", shop);
    return spendReferenceCents;
  });
}

/** One part of recomputeAllCustomersAfterSync's customers: totals, provisional scores, new profiles. */
async function writePartTotals(
  tx: BulkTransaction,
  shop: string,
  part: number,
  settings: ScoringSettings & { spendReferenceCents: number },
  now: Date,
): Promise<void> {
  // The part's totals are one hash aggregate over the shop's facts: kept in memory.
  await tx.execute(Prisma.sql`SET LOCAL work_mem = '128MB'`);
  // The RFM part only: each write below adds the engagement of the row it lands on.
  const score = scoreExpression(TOTALS_COLUMNS, settings, now);
  const weights = weightsOf(settings);
  const matched = addEngagement(Prisma.sql`s."scoreMilli"`, engagementColumnsOf("c"), weights);
  // A new customer has no reviews or mentions matched yet: only its consent counts.
  const fresh = (row: string) =>
    addEngagement(
      Prisma.raw(`${row}."scoreMilli"`),
      {
        positiveReviewCount: Prisma.sql`0`,
        mentionCount: Prisma.sql`0`,
        emailSubscribed: Prisma.raw(`${row}."emailSubscribed"`),
        smsSubscribed: Prisma.raw(`${row}."smsSubscribed"`),
      },
      weights,
    );
  // The redo below reads the signals of a row another writer inserted meanwhile, else the profile's consent.
  const either = addEngagement(
    Prisma.sql`s."scoreMilli"`,
    {
      positiveReviewCount: Prisma.sql`COALESCE(c."positiveReviewCount", 0)`,
      mentionCount: Prisma.sql`COALESCE(c."mentionCount", 0)`,
      emailSubscribed: Prisma.sql`COALESCE(c."emailSubscribed", s."emailSubscribed")`,
      smsSubscribed: Prisma.sql`COALESCE(c."smsSubscribed", s."smsSubscribed")`,
    },
    weights,
  );
  const statement = (write: (rows: Prisma.Sql) => Prisma.Sql) => Prisma.sql`
    WITH ${totalsCte(shop, null, inPart(Prisma.sql`o."customerId"`, part))},
    "profiles" AS (${newestStagedProfiles(shop, inPart(Prisma.sql`"customerId"`, part))})
    ${write(Prisma.sql`
      SELECT t."customerId", t."orderCount", t."netSpentCents", t."firstOrderAt", t."lastOrderAt", ${score} AS "scoreMilli",
             p."displayName", p."email", COALESCE(p."tags", '') AS "tags", p."profileUpdatedAt",
             p."emailSubscribed", p."smsSubscribed"
      FROM "totals" t LEFT JOIN "profiles" p ON p."customerId" = t."customerId"
      ORDER BY t."customerId"`)}`;
  try {
    await tx.savepoint(() =>
      tx.execute(
        statement((rows) => Prisma.sql`
          MERGE INTO "CustomerStats" c
          USING (${rows}) s ON c."shop" = ${shop} AND c."customerId" = s."customerId"
          WHEN MATCHED AND (
               c."orderCount" <> s."orderCount" OR c."netSpentCents" <> s."netSpentCents"
            OR c."firstOrderAt" IS DISTINCT FROM s."firstOrderAt" OR c."lastOrderAt" IS DISTINCT FROM s."lastOrderAt"
            OR c."scoreMilli" <> ${matched})
          THEN UPDATE SET "orderCount" = s."orderCount", "netSpentCents" = s."netSpentCents",
            "firstOrderAt" = s."firstOrderAt", "lastOrderAt" = s."lastOrderAt", "scoreMilli" = ${matched}
          WHEN NOT MATCHED THEN INSERT
            ("shop", "customerId", "orderCount", "netSpentCents", "firstOrderAt", "lastOrderAt", "scoreMilli",
             "displayName", "email", "tags", "profileUpdatedAt", "emailSubscribed", "smsSubscribed")
            VALUES (${shop}, s."customerId", s."orderCount", s."netSpentCents", s."firstOrderAt", s."lastOrderAt", ${fresh("s")},
             s."displayName", s."email", s."tags", s."profileUpdatedAt", s."emailSubscribed", s."smsSubscribed")`),
      ),
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await tx.execute(
      statement((rows) => Prisma.sql`
        INSERT INTO "CustomerStats"
          ("shop", "customerId", "orderCount", "netSpentCents", "firstOrderAt", "lastOrderAt", "scoreMilli",
           "displayName", "email", "tags", "profileUpdatedAt", "emailSubscribed", "smsSubscribed")
        SELECT ${shop}, s."customerId", s."orderCount", s."netSpentCents", s."firstOrderAt", s."lastOrderAt", ${either},
           s."displayName", s."email", s."tags", s."profileUpdatedAt", s."emailSubscribed", s."smsSubscribed"
        FROM (${rows}) s LEFT JOIN "CustomerStats" c ON c."shop" = ${shop} AND c."customerId" = s."customerId"
        ON CONFLICT ("shop", "customerId") DO UPDATE SET
          "orderCount" = excluded."orderCount",
          "netSpentCents" = excluded."netSpentCents",
          "firstOrderAt" = excluded."firstOrderAt",
          "lastOrderAt" = excluded."lastOrderAt",
          "scoreMilli" = excluded."scoreMilli"
        WHERE ${TOTALS_CHANGED}`),
    );
  }
}

/**
 * Deletes the shop's rows of a staging table, and only those: other shops may be staging
 * at the same time on other instances. No table lock: two syncs that each hold the
 * table's row lock and then ask for its exclusive lock deadlock each other.
 */
export async function clearStaged(
  tx: BulkTransaction,
  table: "OrderFactStaging" | "CustomerProfileStaging",
  shop: string,
): Promise<void> {
  const name = Prisma.raw(`"${table}"`);
  await tx.execute(Prisma.sql`DELETE FROM ${name} WHERE "shop" = ${shop}`);
}
