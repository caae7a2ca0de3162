/**
 * SQL fragments shared by the models' raw statements (order facts, attribution, the inbox,
 * rewards, analytics), written with `?` placeholders that `positional` numbers.
 */

export { positional } from "./sql-placeholders";

/**
 * A table source of the elements of a JSON array bound as one parameter, exposing each
 * element as `<alias>.value`. Passing a whole batch as one parameter keeps the driver's
 * per-parameter cost out of the bulk path. Elements are arrays (read them with jsonField);
 * for an array of strings use jsonTextElements.
 */
export function jsonArrayElements(alias: string): string {
  return `json_array_elements(CAST(? AS json)) AS ${alias}(value)`;
}

/** Like jsonArrayElements for an array of strings: `<alias>.value` is each string as text. */
export function jsonTextElements(alias: string): string {
  return `json_array_elements_text(CAST(? AS json)) AS ${alias}(value)`;
}

/** Column types jsonField can produce. */
export type JsonFieldType = "text" | "bigint" | "integer" | "boolean" | "timestamp";

const POSTGRES_TYPES: Record<JsonFieldType, string> = {
  text: "text",
  bigint: "bigint",
  integer: "integer",
  // The rows carry booleans as 0/1.
  boolean: "integer",
  timestamp: "timestamp(3)",
};

/** Element `index` of the JSON array `expression` (`->>` gives text) as a value of `type`. */
export function jsonField(expression: string, index: number, type: JsonFieldType = "text"): string {
  if (type === "text") return `${expression} ->> ${index}`;
  const value = `CAST(${expression} ->> ${index} AS ${POSTGRES_TYPES[type]})`;
  return type === "boolean" ? `(${value} <> 0)` : value;
}

/** Whole days (fractional) from `column` to the timestamp bound at the placeholder. */
export function daysSince(column: string): string {
  return `(EXTRACT(EPOCH FROM (CAST(? AS timestamp(3)) - ${column})) / 86400.0)`;
}

/**
 * A timestamp bound as a raw parameter: ISO 8601 text in UTC, which PostgreSQL reads into
 * the `timestamp(3)` columns Prisma keeps in UTC.
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
 * Refreshes the planner's statistics after a bulk load, so a candidate page walks the sort
 * column's index rather than filtering the whole shop and sorting. Only CustomerStats: it
 * is the table whose plans depend on them.
 */
export function refreshPlannerStatistics(): string {
  return 'ANALYZE "CustomerStats"';
}
