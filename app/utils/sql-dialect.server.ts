/**
 * The SQL that differs between SQLite and PostgreSQL in the models' raw statements (order
 * facts, attribution, the inbox, rewards, analytics). Everything else they send runs
 * unchanged on both (quoted identifiers, `INSERT … ON CONFLICT … DO
 * UPDATE`, row values, CASE, `||`, LIKE … ESCAPE), with `?` placeholders that `positional`
 * numbers for PostgreSQL.
 */

import { provider } from "./sql-placeholders";

export { positional } from "./sql-placeholders";

const postgres = provider === "postgresql";

/**
 * A table source of the elements of a JSON array bound as one parameter, exposing each
 * element as `<alias>.value`. Passing a whole batch as one parameter keeps the driver's
 * per-parameter cost out of the bulk path. Elements are arrays (read them with jsonField);
 * for an array of strings use jsonTextElements.
 */
export function jsonArrayElements(alias: string): string {
  return postgres ? `json_array_elements(CAST(? AS json)) AS ${alias}(value)` : `json_each(?) AS ${alias}`;
}

/** Like jsonArrayElements for an array of strings: `<alias>.value` is each string as text. */
export function jsonTextElements(alias: string): string {
  return postgres ? `json_array_elements_text(CAST(? AS json)) AS ${alias}(value)` : `json_each(?) AS ${alias}`;
}

/** Column types jsonField can produce. */
export type JsonFieldType = "text" | "bigint" | "integer" | "boolean" | "timestamp";

const POSTGRES_TYPES: Record<JsonFieldType, string> = {
  text: "text",
  bigint: "bigint",
  integer: "integer",
  // JSON true/false or 0/1 (the rows carry 0/1, SQLite's booleans).
  boolean: "integer",
  timestamp: "timestamp(3)",
};

/**
 * Element `index` of the JSON array `expression` as a value of `type` (`->>` exists in both
 * SQLite ≥ 3.38 and PostgreSQL; PostgreSQL gives text, so it is cast to the column type).
 */
export function jsonField(expression: string, index: number, type: JsonFieldType = "text"): string {
  if (!postgres || type === "text") return `${expression} ->> ${index}`;
  const value = `CAST(${expression} ->> ${index} AS ${POSTGRES_TYPES[type]})`;
  return type === "boolean" ? `(${value} <> 0)` : value;
}

/** Whole days (fractional) from `column` to the timestamp bound at the placeholder. */
export function daysSince(column: string): string {
  return postgres
    ? `(EXTRACT(EPOCH FROM (CAST(? AS timestamp(3)) - ${column})) / 86400.0)`
    : `(julianday(?) - julianday(${column}))`;
}

/**
 * A timestamp in the form Prisma's SQLite driver adapter writes DateTime columns
 * (ISO 8601, milliseconds, "+00:00"), so raw writes compare and sort correctly against
 * Prisma's own, and Prisma reads them back. PostgreSQL reads the same text into its
 * `timestamp(3)` columns (UTC, as Prisma stores them; the offset is +00:00 anyway).
 */
export function storedTimestamp(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}

/** The digits of value[from, to) as a number, or -1 (no allocation). */
function digitsAt(value: string, from: number, to: number): number {
  let number = 0;
  for (let i = from; i < to; i++) {
    const code = value.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    number = number * 10 + code;
  }
  return number;
}

/** "2024-05-01T10:00:00Z" with plausible fields: Admin API timestamps are UTC to the second. */
function isUtcSeconds(value: string): boolean {
  if (
    value.length !== 20 || value.charCodeAt(19) !== 90 /* Z */ || value.charCodeAt(10) !== 84 /* T */ ||
    value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 /* - */ ||
    value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58 /* : */
  ) {
    return false;
  }
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  return (
    digitsAt(value, 0, 4) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
    digitsAt(value, 11, 13) >= 0 && digitsAt(value, 11, 13) < 24 &&
    digitsAt(value, 14, 16) >= 0 && digitsAt(value, 14, 16) < 60 &&
    digitsAt(value, 17, 19) >= 0 && digitsAt(value, 17, 19) < 61
  );
}

/**
 * `storedTimestamp` of an ISO 8601 string from Shopify. The usual UTC-to-the-second form
 * maps without building a Date (the bulk ingest does this millions of times); anything
 * else goes through Date. Throws on a string that is not a date.
 */
export function storedTimestampFromIso(value: string): string {
  if (isUtcSeconds(value)) return `${value.slice(0, 19)}.000+00:00`;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Not an ISO 8601 timestamp: "${value}"`);
  return storedTimestamp(date);
}

/**
 * Refreshes the planner's statistics after a bulk load. Without them SQLite may read a
 * candidate page by filtering the whole shop and sorting, instead of walking the sort
 * column's index. Only CustomerStats: it is the table whose plans depend on them
 * (OrderFact is read by key or by plans its queries pin down), and `PRAGMA optimize`
 * also read both OrderFact indexes in full, 0.2 s more per million orders. About 0.1 s
 * per 400,000 customers. The same statement in PostgreSQL.
 */
export function refreshPlannerStatistics(): string {
  return 'ANALYZE "CustomerStats"';
}
