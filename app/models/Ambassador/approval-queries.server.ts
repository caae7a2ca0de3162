/**
 * The set-wise statements of a bulk approval (a page of candidates at once). Prisma's API
 * compiles a list argument element by element (`{ in: [...] }`, createMany's rows), which
 * made a 250-customer approval spend most of its time in the query compiler; these take
 * each list as one array parameter.
 */
import type { Prisma } from "@prisma/client";

type Db = Prisma.TransactionClient;

export interface ApprovalCustomer {
  customerId: string;
  displayName: string | null;
  email: string | null;
  /** The customer's ambassador, when they have one. */
  ambassadorId: string | null;
  status: string | null;
  firstName: string | null;
  code: string | null;
}

/** The shop's customers among `customerIds`, each with their ambassador if any. */
export function customersWithAmbassadors(db: Db, shop: string, customerIds: string[]): Promise<ApprovalCustomer[]> {
  return db.$queryRaw<ApprovalCustomer[]>`
    SELECT c."customerId", c."displayName", c."email",
           a."id" AS "ambassadorId", a."status", a."firstName", a."code"
    FROM "CustomerStats" c
    LEFT JOIN "Ambassador" a ON a."shop" = c."shop" AND a."customerId" = c."customerId"
    WHERE c."shop" = ${shop} AND c."customerId" = ANY(${customerIds})
    ORDER BY c."customerId"`;
}

export interface NewAmbassador {
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

/** Invited ambassadors for these customers, from candidates. Returns their ids by customer. */
export async function insertInvitedAmbassadors(db: Db, shop: string, rows: NewAmbassador[], now: Date): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const created = await db.$queryRaw<{ id: string; customerId: string }[]>`
    INSERT INTO "Ambassador" ("id", "shop", "customerId", "status", "source", "email", "firstName", "lastName", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${shop}, r."customerId", 'invited', 'candidate', r."email", r."firstName", r."lastName", ${now}, ${now}
    FROM unnest(
      CAST(${rows.map((r) => r.customerId)} AS text[]), CAST(${rows.map((r) => r.email)} AS text[]),
      CAST(${rows.map((r) => r.firstName)} AS text[]), CAST(${rows.map((r) => r.lastName)} AS text[])
    ) AS r("customerId", "email", "firstName", "lastName")
    RETURNING "id", "customerId"`;
  return new Map(created.map((row) => [row.customerId, row.id]));
}

/** Which of `codes` the shop's ambassadors ever held. */
export async function takenCodes(db: Db, shop: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.$queryRaw<{ code: string }[]>`
    SELECT "code" FROM "AmbassadorCode" WHERE "shop" = ${shop} AND "code" = ANY(${codes})`;
  return new Set(rows.map((row) => row.code));
}

export interface HeldCode {
  id: string;
  code: string;
  wanted: string;
  shopifyState: string;
}

export function heldCodes(db: Db, shop: string, codes: string[]): Promise<HeldCode[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db.$queryRaw<HeldCode[]>`
    SELECT "id", "code", "wanted", "shopifyState" FROM "AmbassadorCode" WHERE "shop" = ${shop} AND "code" = ANY(${codes})`;
}

/** New codes (absent from Shopify until provisioning adds them), one per ambassador. */
export async function insertCodes(
  db: Db,
  shop: string,
  rows: { ambassadorId: string; code: string }[],
  batchId: string,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "AmbassadorCode" ("id", "shop", "ambassadorId", "code", "batchId", "createdAt")
    SELECT gen_random_uuid()::text, ${shop}, r."ambassadorId", r."code", ${batchId}, ${now}
    FROM unnest(CAST(${rows.map((r) => r.ambassadorId)} AS text[]), CAST(${rows.map((r) => r.code)} AS text[]))
      AS r("ambassadorId", "code")`;
}

/**
 * Makes the ambassadors active with their codes (each their own: Prisma's updateMany sets
 * one value for all). A changed code clears what the metafields hold; a comeback from
 * "removed" gets its tag and welcome again.
 */
export async function activateWithCodes(
  db: Db,
  shop: string,
  rows: { ambassadorId: string; code: string }[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRaw`
    UPDATE "Ambassador" a SET
      "status" = 'active',
      "code" = v."code",
      "metafieldsCode" = CASE WHEN v."code" IS DISTINCT FROM a."code" THEN NULL ELSE a."metafieldsCode" END,
      "activatedAt" = ${now}, "pausedAt" = NULL, "removedAt" = NULL, "lastError" = NULL,
      "welcomeSyncedAt" = CASE WHEN a."status" = 'removed' THEN NULL ELSE a."welcomeSyncedAt" END,
      "updatedAt" = ${now}
    FROM unnest(CAST(${rows.map((r) => r.ambassadorId)} AS text[]), CAST(${rows.map((r) => r.code)} AS text[]))
      AS v("id", "code")
    WHERE a."shop" = ${shop} AND a."id" = v."id"`;
}

/** One history event per ambassador. */
export async function insertEvents(
  db: Db,
  shop: string,
  rows: { ambassadorId: string; detail: string }[],
  kind: string,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "AmbassadorEvent" ("id", "shop", "ambassadorId", "kind", "detail", "createdAt")
    SELECT gen_random_uuid()::text, ${shop}, r."ambassadorId", ${kind}, r."detail", ${now}
    FROM unnest(CAST(${rows.map((r) => r.ambassadorId)} AS text[]), CAST(${rows.map((r) => r.detail)} AS text[]))
      AS r("ambassadorId", "detail")`;
}
