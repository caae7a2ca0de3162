/**
 * Reading the merchant's CSV uploads (review exports, social-listening exports) into rows
 * keyed by header name. Parsing is csv-parse's; this module adds the limits, the header
 * mapping and the per-row field readers, each of which reports what is wrong in words the
 * merchant can act on. A bad row is reported, never fatal; a file that cannot be read at
 * all (too big, not CSV, no header) is one error for the whole file.
 */
import { parse } from "csv-parse/sync";

/** At most this many bytes per upload (a review export of ~10k reviews with text). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** At most this many data rows per upload. */
export const MAX_ROWS = 20_000;

export interface CsvTable {
  /** Header names as in the file (trimmed). */
  headers: string[];
  /** One record per data row, by header name; `line` is the row's line in the file (header = 1). */
  rows: { line: number; values: Record<string, string> }[];
}

export type CsvResult = { ok: true; table: CsvTable } | { ok: false; error: string };

/** Parses CSV text with a header row; tolerates a byte-order mark, CRLF and ragged rows. */
export function readCsv(text: string): CsvResult {
  if (Buffer.byteLength(text, "utf8") > MAX_UPLOAD_BYTES) {
    return { ok: false, error: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: split it and import each part.` };
  }
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      to: MAX_ROWS + 2,
    }) as string[][];
  } catch (error) {
    return { ok: false, error: `The file could not be read as CSV: ${(error as Error).message}` };
  }
  if (records.length === 0) return { ok: false, error: "The file is empty." };
  const headers = records[0].map((h) => h.trim());
  if (records.length - 1 > MAX_ROWS) {
    return { ok: false, error: `The file has more than ${MAX_ROWS.toLocaleString("en")} rows: split it and import each part.` };
  }
  const rows = records.slice(1).map((record, index) => {
    const values: Record<string, string> = {};
    headers.forEach((header, column) => {
      values[header] = (record[column] ?? "").trim();
    });
    // Lines as the merchant's spreadsheet counts them (header = 1); empty lines are skipped
    // by the parser, so this is the row's position among the data rows, plus one.
    return { line: index + 2, values };
  });
  return { ok: true, table: { headers, rows } };
}

/** Header names compared loosely: case, spaces, "-" and "_" do not matter. */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[\s_-]+/g, "");
}

/** The first header of the file matching one of `candidates` (loosely), or null. */
export function findHeader(headers: string[], candidates: readonly string[]): string | null {
  const wanted = candidates.map(headerKey);
  for (const candidate of wanted) {
    const found = headers.find((h) => headerKey(h) === candidate);
    if (found) return found;
  }
  return null;
}

// ---- Field readers -------------------------------------------------------------------------

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readEmail(value: string | undefined, label = "Email"): Read<string> {
  const email = value?.trim().toLowerCase() ?? "";
  if (!email) return { ok: false, error: `${label} is empty` };
  if (!EMAIL.test(email)) return { ok: false, error: `${label} "${value}" is not an email address` };
  return { ok: true, value: email };
}

export function readOptionalEmail(value: string | undefined, label = "Email"): Read<string | null> {
  if (!value?.trim()) return { ok: true, value: null };
  return readEmail(value, label);
}

/** A star rating 1–5 ("5", "5.0"; "4.5" is not a whole star). */
export function readRating(value: string | undefined, label = "Rating"): Read<number> {
  const text = value?.trim() ?? "";
  if (!text) return { ok: false, error: `${label} is empty` };
  const rating = Number(text);
  if (!/^\d+(\.0+)?$/.test(text) || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    return { ok: false, error: `${label} "${text}" is not a whole number from 1 to 5` };
  }
  return { ok: true, value: rating };
}

export function readCount(value: string | undefined, label: string): Read<number> {
  const text = value?.trim() ?? "";
  if (!text) return { ok: false, error: `${label} is empty` };
  if (!/^\d+$/.test(text) || Number(text) > 1_000_000) {
    return { ok: false, error: `${label} "${text}" is not a whole number from 0 to 1,000,000` };
  }
  return { ok: true, value: Number(text) };
}

// ISO 8601 dates as review apps write them: "2026-11-02", "2026-11-02 14:05:00",
// "2026-11-02T14:05:00Z", "2026-11-02 14:05:00 UTC", "2026-11-02T14:05:00+02:00".
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date in ISO form (a date alone is midnight UTC; a time without a zone is UTC).
 * Day-first and month-first forms ("03/04/2026") are refused: which one is meant cannot
 * be told.
 */
export function readDate(value: string | undefined, label = "Date", now = new Date()): Read<Date> {
  const text = value?.trim() ?? "";
  if (!text) return { ok: false, error: `${label} is empty` };
  const match = ISO_DATE.exec(text);
  if (!match) return { ok: false, error: `${label} "${text}" is not a date like 2026-11-02 or 2026-11-02T14:05:00Z` };
  const [, y, mo, d, h = "00", mi = "00", s = "00", zone] = match;
  const offset = !zone || /^(z|utc)$/i.test(zone) ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const day = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== `${y}-${mo}-${d}` || Number.isNaN(date.getTime())) {
    return { ok: false, error: `${label} "${text}" is not a real date` };
  }
  if (date.getTime() > now.getTime() + 86_400_000) return { ok: false, error: `${label} "${text}" is in the future` };
  return { ok: true, value: date };
}
