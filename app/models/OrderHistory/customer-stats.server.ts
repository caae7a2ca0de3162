/**
 * CustomerStats recomputed from the facts, in set-based SQL. Counting orders, net spend
 * and dates are derived from OrderFact and RefundFact only, never incremented, so replayed,
 * reordered or resumed deliveries cannot count anything twice.
 */
import type { Prisma } from "@prisma/client";
import { scoreSql } from "../Candidate/score.server";
import { jsonTextElements, positional } from "../../utils/sql-dialect.server";

type Db = Prisma.TransactionClient;

/**
 * An order's refunded amount is the larger of what its latest snapshot says and the sum
 * of the refunds/create deliveries seen for it. Both only grow as refunds happen, and
 * whichever source is behind (a refund webhook before its orders/updated, or a refund
 * whose webhook never came) is covered by the other, so the result converges to Shopify's
 * figure whatever the delivery order, and a replayed refund (same refund id) adds nothing.
 */
const EFFECTIVE_REFUND = `(CASE WHEN r."amount" > o."refundedCents" THEN r."amount" ELSE o."refundedCents" END)`;

/** Counts towards "repeat": not cancelled, not a test, not fully refunded. */
const COUNTS = `(o."cancelledAt" IS NULL AND o."test" = false AND ${EFFECTIVE_REFUND} < o."totalCents")`;

/**
 * The per-customer totals. For some customers, their facts are found through the
 * (shop, customerId) index. For the whole shop, the customer id is grouped as an
 * expression and `orderId` given a range, so the planner reads the shop's facts through
 * the primary key, in table order, and sorts them, rather than walking the customer index
 * with a random row read per order (3× faster at a million orders).
 */
function totalsCte(scope: "all" | "customers"): string {
  const customerId = scope === "all" ? `o."customerId" || ''` : `o."customerId"`;
  const customerFilter =
    scope === "customers"
      ? `AND o."customerId" IN (SELECT c.value FROM ${jsonTextElements("c")})`
      : `AND o."orderId" >= ''`;
  // For some customers, only their orders' refunds (every inbox batch recomputes a few
  // customers: summing the whole shop's refunds each time grew with the shop).
  const refundFilter =
    scope === "customers"
      ? `AND "orderId" IN (
          SELECT o2."orderId" FROM "OrderFact" o2
          WHERE o2."shop" = ? AND o2."customerId" IN (SELECT c2.value FROM ${jsonTextElements("c2")})
        )`
      : "";
  return `
  "refunds" AS (
    SELECT "orderId", SUM("amountCents") AS "amount" FROM "RefundFact"
    WHERE "shop" = ? ${refundFilter} GROUP BY "orderId"
  ),
  "facts" AS (
    SELECT ${customerId} AS "customerId", o."processedAt",
           o."totalCents" - ${EFFECTIVE_REFUND} AS "net",
           ${COUNTS} AS "counts"
    FROM "OrderFact" o LEFT JOIN "refunds" r ON r."orderId" = o."orderId"
    WHERE o."shop" = ? AND o."customerId" IS NOT NULL ${customerFilter}
  ),
  "totals" AS (
    SELECT "customerId",
           SUM(CASE WHEN "counts" THEN 1 ELSE 0 END) AS "orderCount",
           SUM(CASE WHEN "counts" THEN "net" ELSE 0 END) AS "netSpentCents",
           MIN(CASE WHEN "counts" THEN "processedAt" END) AS "firstOrderAt",
           MAX(CASE WHEN "counts" THEN "processedAt" END) AS "lastOrderAt"
    FROM "facts" GROUP BY "customerId"
  )`;
}

function upsertTotals(moreColumns = ""): string {
  return `
  INSERT INTO "CustomerStats"
    ("shop", "customerId", "orderCount", "netSpentCents", "firstOrderAt", "lastOrderAt", "scoreMilli"${moreColumns})`;
}

const ON_CONFLICT_TOTALS = `
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "orderCount" = excluded."orderCount",
    "netSpentCents" = excluded."netSpentCents",
    "firstOrderAt" = excluded."firstOrderAt",
    "lastOrderAt" = excluded."lastOrderAt",
    "scoreMilli" = excluded."scoreMilli"
  WHERE "CustomerStats"."orderCount" <> excluded."orderCount"
     OR "CustomerStats"."netSpentCents" <> excluded."netSpentCents"
     OR "CustomerStats"."firstOrderAt" IS DISTINCT FROM excluded."firstOrderAt"
     OR "CustomerStats"."lastOrderAt" IS DISTINCT FROM excluded."lastOrderAt"
     OR "CustomerStats"."scoreMilli" <> excluded."scoreMilli"`;

const TOTALS_COLUMNS = {
  orderCount: `t."orderCount"`,
  netSpentCents: `t."netSpentCents"`,
  lastOrderAt: `t."lastOrderAt"`,
};

/** Customers left with no fact at all (every order moved away): back to zero. */
function zeroOrphans(scope: "all" | "customers"): string {
  const customerFilter =
    scope === "customers"
      ? `AND "customerId" IN (SELECT c.value FROM ${jsonTextElements("c")})`
      : "";
  return `
  UPDATE "CustomerStats"
  SET "orderCount" = 0, "netSpentCents" = 0, "firstOrderAt" = NULL, "lastOrderAt" = NULL, "scoreMilli" = 0
  WHERE "shop" = ? AND "orderCount" > 0 ${customerFilter}
    AND NOT EXISTS (
      SELECT 1 FROM "OrderFact" o
      WHERE o."shop" = "CustomerStats"."shop" AND o."customerId" = "CustomerStats"."customerId"
    )`;
}

export interface ScoringSettings {
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
  const ids = JSON.stringify([...new Set(customerIds)]);
  const score = scoreSql(TOTALS_COLUMNS, settings, now);
  await db.$executeRawUnsafe(
    positional(`WITH ${totalsCte("customers")}
     ${upsertTotals()}
     SELECT ?, t."customerId", t."orderCount", t."netSpentCents", t."firstOrderAt", t."lastOrderAt", ${score.sql}
     FROM "totals" t WHERE true
     ${ON_CONFLICT_TOTALS}`),
    // refunds (shop, shop, ids), facts (shop, ids), the rows' shop, the score's values.
    shop, shop, ids, shop, ids, shop, ...score.values,
  );
  await db.$executeRawUnsafe(positional(zeroOrphans("customers")), shop, ids);
}

/**
 * Display data a history sync staged (CustomerProfileStaging), applied to the customers
 * that already have a row, by the rule of the profile upserts: a newer profile only, never
 * for an erased customer. Customers new to CustomerStats get theirs as their row is
 * created (see recomputeAllCustomers).
 */
const APPLY_STAGED_PROFILES = positional(`
  UPDATE "CustomerStats" SET
    "displayName" = p."displayName",
    "email" = p."email",
    "tags" = p."tags",
    "profileUpdatedAt" = p."profileUpdatedAt"
  FROM "CustomerProfileStaging" p
  WHERE "CustomerStats"."shop" = ? AND p."shop" = "CustomerStats"."shop"
    AND p."customerId" = "CustomerStats"."customerId"
    AND "CustomerStats"."personalDataErasedAt" IS NULL
    AND ("CustomerStats"."profileUpdatedAt" IS NULL
         OR p."profileUpdatedAt" > "CustomerStats"."profileUpdatedAt")`);

const CLEAR_STAGED_PROFILES = positional(`DELETE FROM "CustomerProfileStaging" WHERE "shop" = ?`);
/** Usually only one shop syncs at a time: then the whole table goes, which is cheaper. */
const OTHER_SHOP_STAGED_PROFILES = positional(`
  SELECT 1 AS "found" FROM "CustomerProfileStaging" WHERE "shop" < ? OR "shop" > ? LIMIT 1`);
const CLEAR_ALL_STAGED_PROFILES = `DELETE FROM "CustomerProfileStaging"`;

/**
 * Recomputes the statistics and scores of every customer of the shop from its facts (end
 * of a history sync), with the spend reference recomputed from the same totals. Returns
 * the new spend reference. With `stagedProfiles`, the display data the sync staged is
 * folded in and cleared in the same pass (one write per customer instead of two).
 */
export async function recomputeAllCustomers(
  db: Db,
  shop: string,
  settings: ScoringSettings,
  now = new Date(),
  options: { stagedProfiles?: boolean } = {},
): Promise<number> {
  const score = scoreSql(
    TOTALS_COLUMNS,
    { ...settings, spendReferenceCents: { sql: `"reference"."mean"` } },
    now,
  );
  if (options.stagedProfiles) await db.$executeRawUnsafe(APPLY_STAGED_PROFILES, shop);
  // Before the upsert: only customers that had orders can be orphans, and on a first sync
  // there are none yet, so this finds nothing to check instead of every new customer.
  await db.$executeRawUnsafe(positional(zeroOrphans("all")), shop);
  // A new row takes the staged profile; an existing one got it above (or keeps its own).
  const profile = options.stagedProfiles
    ? {
        columns: `, "displayName", "email", "tags", "profileUpdatedAt"`,
        values: `, p."displayName", p."email", COALESCE(p."tags", ''), p."profileUpdatedAt"`,
        join: `LEFT JOIN "CustomerProfileStaging" p ON p."shop" = ? AND p."customerId" = t."customerId"`,
        parameters: [shop],
      }
    : { columns: "", values: "", join: "", parameters: [] };
  await db.$executeRawUnsafe(
    positional(`WITH ${totalsCte("all")},
     "reference" AS (
       SELECT CASE WHEN ROUND(AVG("netSpentCents" * 1.0)) >= 1 THEN ROUND(AVG("netSpentCents" * 1.0)) ELSE 1.0 END AS "mean"
       FROM "totals" WHERE "orderCount" > 0
     )
     ${upsertTotals(profile.columns)}
     SELECT ?, t."customerId", t."orderCount", t."netSpentCents", t."firstOrderAt", t."lastOrderAt", ${score.sql}${profile.values}
     FROM "totals" t CROSS JOIN "reference" ${profile.join} WHERE true
     ${ON_CONFLICT_TOTALS}`),
    shop, shop, shop, ...score.values, ...profile.parameters,
  );
  if (options.stagedProfiles) {
    const otherShops = await db.$queryRawUnsafe<unknown[]>(OTHER_SHOP_STAGED_PROFILES, shop, shop);
    if (otherShops.length > 0) await db.$executeRawUnsafe(CLEAR_STAGED_PROFILES, shop);
    else await db.$executeRawUnsafe(CLEAR_ALL_STAGED_PROFILES);
  }
  const [{ mean }] = await db.$queryRaw<{ mean: number | null }[]>`
    SELECT AVG("netSpentCents" * 1.0) AS mean FROM "CustomerStats"
    WHERE "shop" = ${shop} AND "orderCount" > 0`;
  return Math.max(1, Math.round(Number(mean ?? 0)));
}
