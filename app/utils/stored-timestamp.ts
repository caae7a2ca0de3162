/**
 * A timestamp as the history ingest stages it: ISO 8601 in UTC with milliseconds and
 * "+00:00", which PostgreSQL reads into the `timestamp(3)` columns Prisma keeps in UTC.
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
