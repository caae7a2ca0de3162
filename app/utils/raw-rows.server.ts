/**
 * Reads and inserts of a shop's rows as ONE raw statement each, lists bound as one JSON
 * parameter, for the webhook inbox processor's hot path. Prisma 6's query compiler (in
 * WebAssembly) compiles every call anew, with no plan cache, and an `{ in: [...] }` or a
 * createMany element by element: 0.5–3 ms a call at the sizes of an inbox batch, which made
 * the processor spend most of its time compiling queries rather than running them (issue
 * 5's webhook benchmark). The same statement raw costs about 0.2 ms.
 *
 * Prisma's raw queries type the columns as its models do (DateTime → Date, BigInt →
 * bigint, Boolean → boolean) on SQLite and PostgreSQL alike, so callers type the rows with
 * the model's own fields. Table and column names come from the code (or the schema),
 * never from input. Use Prisma's API everywhere else.
 */
import crypto from "node:crypto";
import { Prisma } from "@prisma/client";
import {
  jsonArrayElements,
  jsonField,
  jsonTextElements,
  positional,
  storedTimestamp,
  type JsonFieldType,
} from "./sql-dialect.server";

type Db = Prisma.TransactionClient;
type ModelName = Prisma.ModelName;

interface Field {
  name: string;
  type: string;
}

const fieldCache = new Map<ModelName, { fields: readonly Field[]; columns: readonly string[] }>();

/** The model's scalar fields as the schema declares them (same on both databases), once. */
function modelOf(model: ModelName) {
  let known = fieldCache.get(model);
  if (!known) {
    const found = Prisma.dmmf.datamodel.models.find((candidate) => candidate.name === model);
    if (!found) throw new Error(`No model ${model}`);
    const fields = found.fields.filter((field) => field.kind === "scalar");
    fieldCache.set(model, (known = { fields, columns: fields.map((field) => field.name) }));
  }
  return known;
}

/** Every column of the model: for reads that stand in for a findMany without `select`. */
export function columnsOf(model: ModelName): readonly string[] {
  return modelOf(model).columns;
}

export interface WhereIn {
  /** The model (table), e.g. "OrderFact". */
  table: ModelName;
  /** Columns to read (quoted as written); every column of the model when left out. */
  columns?: readonly string[];
  shop: string;
  /** The column compared with the list… */
  column: string;
  /** …and the list (duplicates are harmless). */
  values: readonly string[];
  /** Rows whose `column` is in this list are left out (e.g. orders already handled). */
  notIn?: { column: string; values: readonly string[] };
}

const quoted = (name: string) => `"${name}"`;

/**
 * The shop condition. Looked up by `id` (a primary key of its own, not under the shop),
 * SQLite would rather walk the shop's rows on an index that starts with the shop than
 * look up each id: the shop is compared as an expression then, which no index serves.
 */
const shopCheck = (column: string) => (column === "id" ? `(t."shop" || '') = ?` : `t."shop" = ?`);

export async function rowsWhereIn<Row>(db: Db, where: WhereIn): Promise<Row[]> {
  if (where.values.length === 0) return [];
  const parameters: unknown[] = [where.shop, JSON.stringify(where.values)];
  let sql =
    `SELECT ${(where.columns ?? columnsOf(where.table)).map((c) => `t.${quoted(c)}`).join(", ")} FROM ${quoted(where.table)} t ` +
    `WHERE ${shopCheck(where.column)} AND t.${quoted(where.column)} IN (SELECT l.value FROM ${jsonTextElements("l")})`;
  if (where.notIn && where.notIn.values.length > 0) {
    sql += ` AND t.${quoted(where.notIn.column)} NOT IN (SELECT x.value FROM ${jsonTextElements("x")})`;
    parameters.push(JSON.stringify(where.notIn.values));
  }
  return db.$queryRawUnsafe<Row[]>(positional(sql), ...parameters);
}

/** Whether any of the shop's rows has `column` in `values` (Prisma's findFirst … in). */
export async function anyRowWhereIn(db: Db, where: Omit<WhereIn, "columns" | "notIn">): Promise<boolean> {
  if (where.values.length === 0) return false;
  const rows = await db.$queryRawUnsafe<unknown[]>(
    positional(
      `SELECT 1 AS found FROM ${quoted(where.table)} t WHERE ${shopCheck(where.column)} AND t.${quoted(where.column)} ` +
        `IN (SELECT l.value FROM ${jsonTextElements("l")}) LIMIT 1`,
    ),
    where.shop,
    JSON.stringify(where.values),
  );
  return rows.length > 0;
}

/** All the shop's rows of a (small, per-shop) table: settings, tiers, milestones. */
export function rowsOfShop<Row>(db: Db, shop: string, model: ModelName, columns: readonly string[] = columnsOf(model)): Promise<Row[]> {
  return db.$queryRawUnsafe<Row[]>(
    positional(`SELECT ${columns.map((c) => `t.${quoted(c)}`).join(", ")} FROM ${quoted(model)} t WHERE t."shop" = ?`),
    shop,
  );
}

const JSON_TYPES: Record<string, JsonFieldType> = {
  String: "text",
  BigInt: "bigint",
  Int: "integer",
  Boolean: "boolean",
  DateTime: "timestamp",
};

/**
 * Inserts rows (Prisma's createMany, without skipDuplicates), all with the same fields.
 * Fields the rows leave out get the database's default, except those Prisma fills in
 * itself: a String `id` (`@default(cuid())`; here a random UUID, ids are opaque strings),
 * and `createdAt` / `updatedAt` (the time of the call, in Prisma's stored form). Returns
 * the count.
 */
export async function insertRows(db: Db, model: ModelName, rows: readonly Record<string, unknown>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const given = new Set(Object.keys(rows[0]));
  const filledIn = (field: Field) =>
    (field.name === "id" && field.type === "String") || field.name === "createdAt" || field.name === "updatedAt";
  const fields = modelOf(model).fields.filter((field) => given.has(field.name) || filledIn(field));
  const now = new Date();
  const values = rows.map((row) =>
    fields.map((field) => {
      const value = row[field.name];
      if (value !== undefined) return jsonValue(value);
      if (field.name === "id") return crypto.randomUUID();
      if (filledIn(field)) return jsonValue(now);
      throw new Error(`insertRows(${model}): a row without ${field.name}`);
    }),
  );
  const types = fields.map((field) => {
    const type = JSON_TYPES[field.type];
    if (!type) throw new Error(`insertRows(${model}): ${field.name} is a ${field.type}`);
    return type;
  });
  return db.$executeRawUnsafe(
    positional(
      `INSERT INTO ${quoted(model)} (${fields.map((field) => quoted(field.name)).join(", ")}) ` +
        `SELECT ${types.map((type, i) => jsonField("r.value", i, type)).join(", ")} FROM ${jsonArrayElements("r")}`,
    ),
    JSON.stringify(values),
  );
}

/** A value as the JSON the insert reads back (see jsonField): dates in Prisma's stored form. */
function jsonValue(value: unknown): string | number | null {
  if (value === null) return null;
  if (value instanceof Date) return storedTimestamp(value);
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`${value} is out of range`);
    return Number(value);
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" || typeof value === "number") return value;
  throw new Error(`Cannot insert ${typeof value}`);
}
