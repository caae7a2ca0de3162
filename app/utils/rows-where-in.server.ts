/**
 * Reads of a shop's rows whose key is one of a list, as ONE raw statement with the list
 * bound as one JSON parameter. Prisma's `{ in: [...] }` is compiled (in WebAssembly) on every
 * call, element by element: 1–3 ms a query at the sizes of an inbox batch, which made the
 * webhook inbox processor spend most of its time compiling queries rather than running
 * them (issue 5's webhook benchmark). The same read raw costs about 0.2 ms.
 *
 * Prisma's raw queries type the columns as its models do (DateTime → Date, BigInt →
 * bigint, Boolean → boolean) on SQLite and PostgreSQL alike, so callers type the rows with
 * the model's own fields. Table and column names come from the code, never from input.
 */
import type { Prisma } from "@prisma/client";
import { jsonTextElements, positional } from "../models/OrderHistory/sql-dialect.server";

type Db = Prisma.TransactionClient;

export interface WhereIn {
  /** Model (table) name, e.g. "OrderFact". */
  table: string;
  /** Columns to read (quoted as written). */
  columns: readonly string[];
  shop: string;
  /** The column compared with the list… */
  column: string;
  /** …and the list (duplicates are harmless). */
  values: readonly string[];
  /** Rows whose `column` is in this list are left out (e.g. orders already handled). */
  notIn?: { column: string; values: readonly string[] };
}

const quoted = (name: string) => `"${name}"`;

export async function rowsWhereIn<Row>(db: Db, where: WhereIn): Promise<Row[]> {
  if (where.values.length === 0) return [];
  const parameters: unknown[] = [where.shop, JSON.stringify(where.values)];
  let sql =
    `SELECT ${where.columns.map((c) => `t.${quoted(c)}`).join(", ")} FROM ${quoted(where.table)} t ` +
    `WHERE t."shop" = ? AND t.${quoted(where.column)} IN (SELECT l.value FROM ${jsonTextElements("l")})`;
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
      `SELECT 1 AS found FROM ${quoted(where.table)} t WHERE t."shop" = ? AND t.${quoted(where.column)} ` +
        `IN (SELECT l.value FROM ${jsonTextElements("l")}) LIMIT 1`,
    ),
    where.shop,
    JSON.stringify(where.values),
  );
  return rows.length > 0;
}
