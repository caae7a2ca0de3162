/**
 * SQL fragments of the measurement models' raw statements. DateTime columns are
 * `timestamp(3)` in UTC.
 */

export {
  jsonArrayElements,
  jsonField,
  jsonTextElements,
  positional,
  storedTimestamp,
} from "../../utils/sql-dialect.server";

/** The UTC day (YYYY-MM-DD) of a DateTime column. */
export function utcDay(column: string): string {
  return `to_char(${column}, 'YYYY-MM-DD')`;
}

/** The UTC month (YYYY-MM) of a DateTime column. */
export function utcMonth(column: string): string {
  return `to_char(${column}, 'YYYY-MM')`;
}

/**
 * Fractional days from `earlier` to `later` (two DateTime expressions; text timestamps
 * bound as parameters are fine).
 */
export function daysBetween(later: string, earlier: string): string {
  return `(EXTRACT(EPOCH FROM (CAST(${later} AS timestamp(3)) - CAST(${earlier} AS timestamp(3)))) / 86400.0)`;
}

/** A Date bound as a parameter compared against DateTime columns (read as a timestamp). */
export function timestampParam(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}
