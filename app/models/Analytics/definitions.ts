/**
 * What the dashboard shows and how each figure is defined. Client-safe (no server
 * imports): the route renders these texts as the page's help, so the code and the words
 * the merchant reads cannot drift apart.
 */

export const PERIOD_PRESETS = ["7d", "30d", "90d"] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];
export type PeriodKey = PeriodPreset | "custom";

export const PRESET_DAYS: Record<PeriodPreset, number> = { "7d": 7, "30d": 30, "90d": 90 };

/** Whole days of the shop's calendar: `from` and `to` are YYYY-MM-DD, both included. */
export interface Period {
  key: PeriodKey;
  from: string;
  to: string;
  days: number;
  /** The shop's time zone (IANA): the days start and end at its midnight. */
  timeZone: string;
}

/** A share with what it was computed from, so the merchant can tell noise from signal. */
export interface Rate {
  /** numerator ÷ sample, null when the sample is empty. */
  value: number | null;
  numerator: number;
  sample: number;
}

/** The money figures are integer minor units of the shop currency. */
export interface Figures {
  clicks: number;
  orders: number;
  revenueCents: number;
  newCustomers: number;
  discountCents: number;
  rewardCents: number;
  /** (revenue − discount − reward) ÷ (discount + reward); null when there was no cost. */
  roi: number | null;
  /** orders ÷ clicks, with clicks as the sample. */
  conversion: Rate;
}

export interface AmbassadorFigures extends Figures {
  ambassadorId: string;
  name: string;
  code: string | null;
}

export interface SeriesPoint {
  /** YYYY-MM-DD (a day) or YYYY-MM (a month, for long ranges). */
  key: string;
  revenueCents: number;
  orders: number;
}

export const RETENTION_WINDOWS = [90, 180] as const;
export type RetentionWindow = (typeof RETENTION_WINDOWS)[number];

/** Repeat rates at 90 and 180 days. */
export type WindowRates = Record<`d${RetentionWindow}`, Rate>;

export interface CohortRow {
  /** First-order month, YYYY-MM (UTC). */
  month: string;
  acquired: WindowRates;
  others: WindowRates;
}

export interface Retention {
  /** When the figures were computed (ISO). */
  computedAt: string;
  /** (a) customers whose first counting order used an ambassador's code. */
  acquired: WindowRates;
  /** (c) every other customer (not (a), not an ambassador) whose first order fell in a month (a) has. */
  others: WindowRates;
  /** (b) ambassadors: bought in the N days before joining vs the N days after. */
  ambassadorsBefore: WindowRates;
  ambassadorsAfter: WindowRates;
  /** First-order months with at least one acquired customer, oldest first. */
  cohorts: CohortRow[];
}

export interface RetentionProgress {
  /** Customers read so far, of `total`. */
  done: number;
  total: number;
  startedAt: string;
  /** Last written (a run that stopped writing it has died). */
  updatedAt: string;
}

/** The help text of every figure, shown beside it and in the page's Definitions. */
export const DEFINITIONS = {
  clicks:
    "Share-link clicks: visits through an ambassador's share link, counted once per visitor a day, on the day of the shop's calendar it was made.",
  orders:
    "Attributed orders: orders placed in the period (by processed date) with an ambassador's code, not counting cancelled, test or fully refunded orders.",
  revenue:
    "Attributed revenue: the net sales of those orders (total − refunds), in the shop's currency.",
  newCustomers:
    "New customers acquired: attributed orders that were the buyer's first order with the store.",
  discountCost:
    "Discount cost: what the ambassador codes took off those orders.",
  rewardCost:
    "Reward cost: ambassador rewards earned on those orders (commissions and later adjustments, pending included, voided excluded), plus milestone bonuses awarded in the period.",
  roi:
    "ROI = (attributed revenue − discount cost − reward cost) ÷ (discount cost + reward cost). 2.0× means every 1 spent on the program brought 2 back on top.",
  conversion:
    "Conversion = attributed orders ÷ share-link clicks. Orders from codes typed at checkout count too, so it can exceed 100 %. n = clicks.",
  topAmbassadors: "Top ambassadors: ranked by attributed revenue in the period.",
  retention:
    "Repeat rate within 90 / 180 days: the share of customers who placed a second order (not cancelled, test or fully refunded) within 90 / 180 days of their first. Only customers whose first order is at least 90 / 180 days old are counted (n).",
  acquired:
    "(a) Acquired through ambassadors: customers whose first order used an ambassador's code.",
  others:
    "(c) Other customers: everyone else (not acquired through ambassadors, not an ambassador) whose first order fell in the same months as (a)'s.",
  ambassadors:
    "(b) Ambassadors before vs after joining: the share of ambassadors who bought in the 90 / 180 days before they joined, and in the 90 / 180 days after. Counted: ambassadors who joined at least 90 / 180 days ago and had bought before joining (n).",
  sampleSize:
    "n is the number of customers (or clicks) a rate is computed from. With small n a rate moves a lot by chance: below about 30, read it as a hint.",
} as const;

/** Below this sample size a rate is flagged as a hint only. */
export const SMALL_SAMPLE = 30;

export function rate(numerator: number, sample: number): Rate {
  return { value: sample > 0 ? numerator / sample : null, numerator, sample };
}

export function roiOf(revenueCents: number, discountCents: number, rewardCents: number): number | null {
  const cost = discountCents + rewardCents;
  return cost > 0 ? (revenueCents - cost) / cost : null;
}

/** 0.4567 → "45.7 %"; null → "–". */
export function formatRate(value: number | null): string {
  return value === null ? "–" : `${(value * 100).toFixed(1)} %`;
}

/** 2.345 → "2.35×"; null → "–". */
export function formatRoi(value: number | null): string {
  return value === null ? "–" : `${value.toFixed(2)}×`;
}
