/**
 * Money as the merchant reads and types it: amounts in the major units of the shop
 * currency ("25.50"), stored as integer minor units (2550). Client-safe: no server imports.
 */
import { currencyExponent, toMinorUnits } from "../OrderHistory/money";

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currencyCode: string | null): Intl.NumberFormat {
  const key = currencyCode ?? "";
  let format = formatters.get(key);
  if (!format) {
    try {
      format = currencyCode
        ? new Intl.NumberFormat("en", { style: "currency", currency: currencyCode })
        : new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch {
      // Not a currency code Intl knows: plain number with the code after it.
      format = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    formatters.set(key, format);
  }
  return format;
}

/** 123456 minor units of USD → "$1,234.56"; of JPY → "¥123,456". */
export function formatMoney(minorUnits: number, currencyCode: string | null): string {
  const major = minorUnits / 10 ** currencyExponent(currencyCode);
  const text = formatter(currencyCode).format(major);
  return currencyCode && !/[^\d.,\s-]/.test(text) ? `${text} ${currencyCode}` : text;
}

/** Minor units → the text a form field shows ("25.5" → "25.50"); 0 → "" (any). */
export function majorUnitsInput(minorUnits: number, currencyCode: string | null): string {
  if (!minorUnits) return "";
  const exponent = currencyExponent(currencyCode);
  const text = String(minorUnits).padStart(exponent + 1, "0");
  return exponent === 0 ? text : `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
}

/** The currency's symbol alone ("$", "¥", "KWD"), for a field prefix. */
export function currencySymbol(currencyCode: string | null): string {
  if (!currencyCode) return "";
  try {
    const part = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode })
      .formatToParts(0)
      .find((p) => p.type === "currency");
    return part?.value ?? currencyCode;
  } catch {
    return currencyCode;
  }
}

export type MajorUnitsParse = { ok: true; minorUnits: number } | { ok: false; error: string };

/**
 * What the merchant typed ("25", "25.5", "1200") → minor units of the shop currency.
 * Refuses signs, exponents, thousands separators, more decimals than the currency has,
 * and amounts above `maxMinorUnits`. The caller handles a blank field.
 */
export function parseMajorUnits(
  text: string,
  currencyCode: string | null,
  { label, maxMinorUnits }: { label: string; maxMinorUnits: number }
): MajorUnitsParse {
  const exponent = currencyExponent(currencyCode);
  const value = text.trim();
  const example = exponent === 0 ? "25" : `25 or 25.${"50".padEnd(exponent, "0")}`;
  const match = /^(\d+)(?:\.(\d*))?$/.exec(value);
  if (!match) return { ok: false, error: `${label} must be an amount like ${example}` };
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    return {
      ok: false,
      error:
        exponent === 0
          ? `${label} must be a whole amount (${currencyCode ?? "this currency"} has no decimals)`
          : `${label} can have at most ${exponent} decimal places`,
    };
  }
  const tooLarge = {
    ok: false as const,
    error: `${label} must be at most ${formatMoney(maxMinorUnits, currencyCode)}`,
  };
  if (match[1].replace(/^0+/, "").length > 15) return tooLarge;
  const minorUnits = toMinorUnits(value, exponent);
  return minorUnits > maxMinorUnits ? tooLarge : { ok: true, minorUnits };
}
