import { z } from "zod";
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { DEFAULT_ENGAGEMENT_WEIGHTS, rescoreShop, type EngagementWeights } from "../Candidate/score.server";

/**
 * What "repeat buyer" means for a shop, and how much each engagement signal adds to a
 * candidate's score (points; 0 = off). Money in minor units of `currencyCode`.
 */
export interface ProgramSettings extends EngagementWeights {
  /** Counting orders (not cancelled, not test, not fully refunded) needed. */
  minOrders: number;
  /** Net spend needed; 0 = any. */
  minSpentCents: number;
  /** The last counting order must be at most this many days old. */
  recencyDays: number;
  /** The shop currency, learnt from the orders; null before the first sync. */
  currencyCode: string | null;
}

export const DEFAULT_PROGRAM_SETTINGS: ProgramSettings = {
  minOrders: 2,
  minSpentCents: 0,
  recencyDays: 365,
  currencyCode: null,
  ...DEFAULT_ENGAGEMENT_WEIGHTS,
};

export const SETTINGS_LIMITS = {
  minOrders: { min: 1, max: 1_000 },
  // 10^11 minor units: a billion in major units (≈ $60k even in IDR).
  minSpentCents: { min: 0, max: 100_000_000_000 },
  // Shopify's own history goes back to 2006: 20 years covers every order there is.
  recencyDays: { min: 1, max: 7_300 },
  // A signal can at most add half of the RFM score's 100 points: orders stay what ranks.
  weight: { min: 0, max: 50 },
} as const;

/** Numbers from a form arrive as strings: accept "12" but not "", "1e3", "12abc". */
function wholeNumber(label: string, { min, max }: { min: number; max: number }) {
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
    z
      .number({
        required_error: `${label} is required`,
        invalid_type_error: `${label} must be a number`,
      })
      .int(`${label} must be a whole number`)
      .min(min, `${label} must be at least ${min.toLocaleString("en")}`)
      .max(max, `${label} must be at most ${max.toLocaleString("en")}`),
  );
}

export const programSettingsInput = z.object({
  minOrders: wholeNumber("Minimum orders", SETTINGS_LIMITS.minOrders),
  minSpentCents: wholeNumber("Minimum spend", SETTINGS_LIMITS.minSpentCents),
  recencyDays: wholeNumber("Days since last order", SETTINGS_LIMITS.recencyDays),
  // Absent: the stored weight stays (saving thresholds alone leaves the weights).
  reviewWeight: wholeNumber("Reviews weight", SETTINGS_LIMITS.weight).optional(),
  mentionWeight: wholeNumber("Social mentions weight", SETTINGS_LIMITS.weight).optional(),
  emailWeight: wholeNumber("Email subscriber weight", SETTINGS_LIMITS.weight).optional(),
  smsWeight: wholeNumber("SMS subscriber weight", SETTINGS_LIMITS.weight).optional(),
});

export type ProgramSettingsInput = z.input<typeof programSettingsInput>;
export type ProgramSettingsField = keyof z.infer<typeof programSettingsInput>;

export type SaveProgramSettingsResult =
  | { ok: true; settings: ProgramSettings }
  | { ok: false; fieldErrors: Partial<Record<ProgramSettingsField, string[]>> };

type Db = Prisma.TransactionClient;

function fromRow(row: {
  minOrders: number;
  minSpentCents: bigint;
  recencyDays: number;
  currencyCode: string | null;
} & EngagementWeights): ProgramSettings {
  return {
    minOrders: row.minOrders,
    minSpentCents: Number(row.minSpentCents),
    recencyDays: row.recencyDays,
    currencyCode: row.currencyCode,
    reviewWeight: row.reviewWeight,
    mentionWeight: row.mentionWeight,
    emailWeight: row.emailWeight,
    smsWeight: row.smsWeight,
  };
}

/** The shop's settings, or the defaults when it never saved any. */
export async function getProgramSettings(shop: string, db: Db = prisma): Promise<ProgramSettings> {
  const row = await db.programSettings.findUnique({ where: { shop } });
  return row ? fromRow(row) : { ...DEFAULT_PROGRAM_SETTINGS };
}

/**
 * Validates and saves the merchant's settings, then re-scores the shop's customers in the
 * same transaction, so the next listing is ranked by the new settings without a sync.
 * Invalid input saves nothing and returns zod's messages per field.
 */
export async function saveProgramSettings(
  shop: string,
  input: unknown,
): Promise<SaveProgramSettingsResult> {
  const parsed = programSettingsInput.safeParse(input);
  if (!parsed.success) {
    return { ok: false, fieldErrors: parsed.error.flatten().fieldErrors };
  }
  const values = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as typeof parsed.data;
  const row = await prisma.$transaction(async (tx) => {
    const saved = await tx.programSettings.upsert({
      where: { shop },
      create: { shop, ...values },
      update: values,
    });
    await rescoreShop(tx, shop, fromRow(saved));
    return saved;
  });
  return { ok: true, settings: fromRow(row) };
}

/** Remembers the shop currency (from the orders' shop money) when it is new or changed. */
export async function recordShopCurrency(shop: string, currencyCode: string, db: Db = prisma) {
  await db.programSettings.upsert({
    where: { shop },
    create: { shop, currencyCode },
    update: { currencyCode },
  });
}
