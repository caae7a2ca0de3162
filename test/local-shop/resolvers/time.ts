/** DateTime as the Admin API prints it: UTC, seconds precision ("2024-05-01T12:00:00Z"). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** Parses a DateTime input; NaN when invalid. */
export function parseDateTime(value: unknown): number {
  return typeof value === "string" ? Date.parse(value) : NaN;
}
