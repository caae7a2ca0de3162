/**
 * The SQL that differs between SQLite and PostgreSQL in the measurement models. Everything
 * else they send is Prisma queries or SQL that runs unchanged on both (quoted identifiers,
 * CASE, SUM/COUNT, GROUP BY, row comparisons), with `?` placeholders (see `positional`).
 *
 * SQLite: DateTime columns hold ISO 8601 text in UTC ("2024-05-01T10:00:00.000+00:00", see
 * utils/sql-dialect.server.ts `storedTimestamp`), so day and month are prefixes.
 * PostgreSQL: `timestamp(3)` in UTC.
 */
import { provider } from "../../utils/sql-placeholders";

export {
  jsonArrayElements,
  jsonField,
  jsonTextElements,
  positional,
  storedTimestamp,
} from "../../utils/sql-dialect.server";

const postgres = provider === "postgresql";

/** The UTC day (YYYY-MM-DD) of a DateTime column. */
export function utcDay(column: string): string {
  return postgres ? `to_char(${column}, 'YYYY-MM-DD')` : `substr(${column}, 1, 10)`;
}

/** The UTC month (YYYY-MM) of a DateTime column. */
export function utcMonth(column: string): string {
  return postgres ? `to_char(${column}, 'YYYY-MM')` : `substr(${column}, 1, 7)`;
}

/**
 * Fractional days from `earlier` to `later` (two DateTime expressions; text timestamps
 * bound as parameters are fine).
 */
export function daysBetween(later: string, earlier: string): string {
  return postgres
    ? `(EXTRACT(EPOCH FROM (CAST(${later} AS timestamp(3)) - CAST(${earlier} AS timestamp(3)))) / 86400.0)`
    : `(julianday(${later}) - julianday(${earlier}))`;
}

/**
 * A Date bound as a parameter compared against DateTime columns: the same text Prisma
 * stores on SQLite (so comparisons are text comparisons on the index); PostgreSQL reads it
 * as a timestamp.
 */
export function timestampParam(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}
