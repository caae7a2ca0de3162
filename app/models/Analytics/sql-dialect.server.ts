/**
 * The only SQLite-specific SQL of the measurement models (marked: porting to PostgreSQL
 * means rewriting this file). Everything else they send is Prisma queries or SQL that runs
 * unchanged on both (quoted identifiers, CASE, SUM/COUNT, GROUP BY, row comparisons).
 *
 * DateTime columns hold ISO 8601 text in UTC ("2024-05-01T10:00:00.000+00:00", see
 * OrderHistory/sql-dialect.server.ts `storedTimestamp`), so day and month are prefixes.
 */
export { jsonArrayElements, jsonField, storedTimestamp } from "../OrderHistory/sql-dialect.server";

/**
 * The UTC day (YYYY-MM-DD) of a DateTime column.
 * PostgreSQL: `to_char(column AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.
 */
export function utcDay(column: string): string {
  return `substr(${column}, 1, 10)`;
}

/**
 * The UTC month (YYYY-MM) of a DateTime column.
 * PostgreSQL: `to_char(column AT TIME ZONE 'UTC', 'YYYY-MM')`.
 */
export function utcMonth(column: string): string {
  return `substr(${column}, 1, 7)`;
}

/**
 * Fractional days from `earlier` to `later` (two DateTime expressions; text timestamps
 * bound as parameters are fine).
 * PostgreSQL: `EXTRACT(EPOCH FROM (later - CAST(earlier AS timestamptz))) / 86400.0`.
 */
export function daysBetween(later: string, earlier: string): string {
  return `(julianday(${later}) - julianday(${earlier}))`;
}

/**
 * A Date bound as a parameter compared against DateTime columns: on SQLite the same text
 * Prisma stores (so comparisons are text comparisons on the index).
 * PostgreSQL: the Date itself.
 */
export function timestampParam(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}
