/**
 * Money is kept as integer cents and formatted the way the Admin API prints `Decimal`s:
 * Shopify serializes Ruby BigDecimals, so 10 → "10.0", 12.5 → "12.5", 12.34 → "12.34".
 */
export function formatDecimal(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, "0").replace(/0$/, "");
  return `${negative ? "-" : ""}${whole}.${fraction || "0"}`;
}

/** Parses a Decimal input ("12.5", "10", 7) into cents; NaN when it is not a number. */
export function parseDecimalToCents(value: unknown): number {
  const number = typeof value === "number" ? value : Number(String(value));
  return Number.isFinite(number) ? Math.round(number * 100) : NaN;
}

export interface MoneyV2 {
  __typename: "MoneyV2";
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  __typename: "MoneyBag";
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

export function moneyV2(cents: number, currencyCode: string): MoneyV2 {
  return { __typename: "MoneyV2", amount: formatDecimal(cents), currencyCode };
}

/** The local shop has one currency, so shop and presentment money are the same. */
export function moneyBag(cents: number, currencyCode: string): MoneyBag {
  const money = moneyV2(cents, currencyCode);
  return { __typename: "MoneyBag", shopMoney: money, presentmentMoney: money };
}
