/**
 * Exact money: Shopify sends amounts as decimal strings ("12.5", "1200.0"); we keep
 * integer minor units of the currency (cents for USD, yen for JPY, fils for KWD) and never
 * go through floating point.
 */

const exponents = new Map<string, number>();

/** Digits after the decimal point of a currency's minor unit (ISO 4217; 2 when unknown). */
export function currencyExponent(currencyCode: string | null | undefined): number {
  if (!currencyCode) return 2;
  let exponent = exponents.get(currencyCode);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode })
        .resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      exponent = 2; // not an ISO 4217 code Node knows
    }
    exponents.set(currencyCode, exponent);
  }
  return exponent;
}

/**
 * "12.34" → 1234 (exponent 2). Extra fraction digits are rounded half away from zero
 * ("1200.0" in JPY → 1200; "0.005" in USD → 1). Throws on anything but a plain decimal.
 * Hand-rolled rather than a regex: the history ingest calls it twice per order.
 */
export function toMinorUnits(amount: string | number, exponent = 2): number {
  const text = typeof amount === "number" ? String(amount) : amount.trim();
  const negative = text.charCodeAt(0) === 45; /* "-" */
  let units = 0;
  let digits = 0;
  let fractionDigits = -1; // -1 until the decimal point
  let roundUp = false;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* "." */ && fractionDigits === -1 && digits > 0) {
      fractionDigits = 0;
      continue;
    }
    if (code < 48 || code > 57) throw new Error(`Not a money amount: "${text}"`);
    digits += 1;
    if (fractionDigits === -1) {
      units = units * 10 + (code - 48);
    } else if (fractionDigits < exponent) {
      units = units * 10 + (code - 48);
      fractionDigits += 1;
    } else if (fractionDigits === exponent) {
      roundUp = code >= 53; /* "5" */
      fractionDigits += 1;
    }
  }
  if (digits === 0) throw new Error(`Not a money amount: "${text}"`);
  for (let i = Math.max(0, fractionDigits); i < exponent; i++) units *= 10;
  if (roundUp) units += 1;
  if (!Number.isSafeInteger(units)) throw new Error(`Money amount out of range: "${text}"`);
  return negative && units !== 0 ? -units : units;
}
