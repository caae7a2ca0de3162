/**
 * Saving the reward rules from the admin: settings, tiers and milestones, validated with
 * zod into per-field messages (nothing saved when any field is wrong). Amounts arrive as
 * the merchant types them in the shop currency's major units ("25.50") and are stored in
 * minor units; commission is typed in percent ("12.5") and stored in basis points.
 */
import { z } from "zod";
import prisma from "../../db.server";
import { parseMajorUnits } from "../ProgramSettings/shop-money";
import { PAYOUT_METHODS } from "./RewardSettings.server";
import { evaluateStanding } from "./tiers.server";

export type FieldErrors = Record<string, string>;
export type SaveResult<T = unknown> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const MAX_MONEY = 100_000_000_000;

function wholeNumber(label: string, min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() !== "" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value === "" ? undefined : value),
    z
      .number({ required_error: `${label} is required`, invalid_type_error: `${label} must be a number` })
      .int(`${label} must be a whole number`)
      .min(min, `${label} must be at least ${min.toLocaleString("en")}`)
      .max(max, `${label} must be at most ${max.toLocaleString("en")}`)
  );
}

/** "12.5" (percent) → 1250 basis points; up to 2 decimals, 0–100. */
const percent = (label: string) =>
  z
    .string({ required_error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .regex(/^\d+(\.\d{1,2})?$/, `${label} must be a percentage like 10 or 12.5`)
    .transform((text) => Math.round(Number(text) * 100))
    .refine((bp) => bp <= 10_000, `${label} must be at most 100`);

/** Validated like Shopify customer tags: ≤ 40 characters, no commas. */
export const tierTag = z
  .string({ required_error: "Tag is required" })
  .trim()
  .min(1, "Tag is required")
  .max(40, "Tag must be 40 characters or fewer")
  .refine((tag) => !tag.includes(","), "Tag cannot contain commas");

const name = (label: string) =>
  z.string({ required_error: `${label} is required` }).trim().min(1, `${label} is required`).max(60, `${label} must be 60 characters or fewer`);

export const rewardSettingsInput = z.object({
  commissionPercent: percent("Commission"),
  holdDays: wholeNumber("Hold period", 0, 365),
  payoutMethod: z.enum(PAYOUT_METHODS, { errorMap: () => ({ message: "Choose a payout method" }) }),
  leakOrdersPerDay: wholeNumber("Leak threshold", 1, 100_000),
  leakAutoPause: z.boolean(),
});

export const tierInput = z.object({
  name: name("Name"),
  minOrders: wholeNumber("Minimum orders", 0, 1_000_000),
  commissionPercent: percent("Commission"),
  tag: tierTag,
});

export const milestoneInput = z.object({
  name: name("Name"),
  minOrders: wholeNumber("Minimum orders", 0, 1_000_000),
});

function zodErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(error.flatten().fieldErrors)) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}

/** Blank = 0 (no threshold / no flat amount) unless `required`. */
function money(
  text: string | undefined,
  currencyCode: string | null,
  label: string,
  errors: FieldErrors,
  field: string,
  { required = false } = {}
): number {
  const value = (text ?? "").trim();
  if (value === "") {
    if (required) errors[field] = `${label} is required`;
    return 0;
  }
  const parsed = parseMajorUnits(value, currencyCode, { label, maxMinorUnits: MAX_MONEY });
  if (!parsed.ok) {
    errors[field] = parsed.error;
    return 0;
  }
  return parsed.minorUnits;
}

export interface RewardSettingsForm {
  commissionPercent?: string;
  flatReward?: string;
  holdDays?: string;
  payoutMethod?: string;
  leakOrdersPerDay?: string;
  leakAutoPause?: boolean;
}

export async function saveRewardSettings(shop: string, form: RewardSettingsForm, currencyCode: string | null): Promise<SaveResult> {
  const errors: FieldErrors = {};
  const flatRewardCents = money(form.flatReward, currencyCode, "Flat reward", errors, "flatReward");
  const parsed = rewardSettingsInput.safeParse({ ...form, leakAutoPause: Boolean(form.leakAutoPause) });
  if (!parsed.success) Object.assign(errors, zodErrors(parsed.error));
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  const data = {
    commissionBasisPoints: parsed.data.commissionPercent,
    flatRewardCents: BigInt(flatRewardCents),
    holdDays: parsed.data.holdDays,
    payoutMethod: parsed.data.payoutMethod,
    leakOrdersPerDay: parsed.data.leakOrdersPerDay,
    leakAutoPause: parsed.data.leakAutoPause,
  };
  await prisma.rewardSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, value: null };
}

export interface TierForm {
  name?: string;
  minSales?: string;
  minOrders?: string;
  commissionPercent?: string;
  tag?: string;
  /** The tier grants early access through its tag (docs/gifts.md). */
  earlyAccess?: boolean;
  /** Reaching the tier sends the gift package. */
  giftOnReach?: boolean;
}

/** Creates (no id) or updates a tier, then re-evaluates every ambassador's tier. */
export async function saveTier(shop: string, form: TierForm, currencyCode: string | null, id?: string): Promise<SaveResult<{ tierTagChanges: string[] }>> {
  const errors: FieldErrors = {};
  const minSalesCents = money(form.minSales, currencyCode, "Minimum sales", errors, "minSales");
  const parsed = tierInput.safeParse({ ...form, minOrders: form.minOrders?.trim() === "" ? "0" : form.minOrders });
  if (!parsed.success) Object.assign(errors, zodErrors(parsed.error));
  if (parsed.success) {
    const clash = await prisma.rewardTier.findFirst({
      where: { shop, tag: parsed.data.tag, ...(id ? { id: { not: id } } : {}) },
    });
    if (clash) errors.tag = `The ${clash.name} tier already uses this tag`;
  }
  if (id && !(await prisma.rewardTier.findFirst({ where: { shop, id } }))) errors.id = "This tier no longer exists";
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  const data = {
    name: parsed.data.name,
    minSalesCents: BigInt(minSalesCents),
    minOrders: parsed.data.minOrders,
    commissionBasisPoints: parsed.data.commissionPercent,
    tag: parsed.data.tag,
    earlyAccess: Boolean(form.earlyAccess),
    giftOnReach: Boolean(form.giftOnReach),
  };
  if (id) await prisma.rewardTier.updateMany({ where: { shop, id }, data });
  else await prisma.rewardTier.create({ data: { shop, ...data } });
  return { ok: true, value: await reevaluateStandings(shop) };
}

export async function deleteTier(shop: string, id: string) {
  await prisma.rewardTier.deleteMany({ where: { shop, id } });
  return reevaluateStandings(shop);
}

export interface MilestoneForm {
  name?: string;
  minSales?: string;
  minOrders?: string;
  bonus?: string;
  /** Reaching the milestone sends the gift package (once its bonus is approved). */
  giftOnReach?: boolean;
}

export async function saveMilestone(shop: string, form: MilestoneForm, currencyCode: string | null, id?: string): Promise<SaveResult<{ tierTagChanges: string[] }>> {
  const errors: FieldErrors = {};
  const minSalesCents = money(form.minSales, currencyCode, "Minimum sales", errors, "minSales");
  const bonusCents = money(form.bonus, currencyCode, "Bonus", errors, "bonus", { required: true });
  if (!errors.bonus && bonusCents <= 0) errors.bonus = "Bonus must be more than 0";
  const parsed = milestoneInput.safeParse({ ...form, minOrders: form.minOrders?.trim() === "" ? "0" : form.minOrders });
  if (!parsed.success) Object.assign(errors, zodErrors(parsed.error));
  if (parsed.success && !errors.minSales && minSalesCents === 0 && parsed.data.minOrders === 0) {
    errors.minOrders = "Set minimum sales, minimum orders, or both";
  }
  if (id && !(await prisma.rewardMilestone.findFirst({ where: { shop, id } }))) errors.id = "This milestone no longer exists";
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  const data = {
    name: parsed.data.name,
    minSalesCents: BigInt(minSalesCents),
    minOrders: parsed.data.minOrders,
    bonusCents: BigInt(bonusCents),
    giftOnReach: Boolean(form.giftOnReach),
  };
  if (id) await prisma.rewardMilestone.updateMany({ where: { shop, id }, data });
  else await prisma.rewardMilestone.create({ data: { shop, ...data } });
  return { ok: true, value: await reevaluateStandings(shop) };
}

/** Deleting a milestone keeps bonuses already awarded (they are in the ledger). */
export async function deleteMilestone(shop: string, id: string) {
  await prisma.rewardMilestone.deleteMany({ where: { shop, id } });
  return { tierTagChanges: [] as string[] };
}

/**
 * After tiers or milestones change: every ambassador with attributed orders or a tier is
 * re-evaluated (a new milestone awards those who already meet it, held until their latest
 * order's hold ends), in chunks so one transaction stays short.
 */
export async function reevaluateStandings(shop: string, now = new Date()): Promise<{ tierTagChanges: string[] }> {
  const [attributed, tiered] = await Promise.all([
    prisma.attributedOrder.findMany({ where: { shop }, distinct: ["ambassadorId"], select: { ambassadorId: true } }),
    prisma.ambassadorTier.findMany({ where: { shop }, select: { ambassadorId: true } }),
  ]);
  const ids = [...new Set([...attributed, ...tiered].map((row) => row.ambassadorId))];
  const tierTagChanges: string[] = [];
  const [tiers, milestones] = await Promise.all([
    prisma.rewardTier.findMany({ where: { shop } }),
    prisma.rewardMilestone.findMany({ where: { shop } }),
  ]);
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const result = await prisma.$transaction((tx) => evaluateStanding(tx, shop, chunk, { now, tiers, milestones }));
    tierTagChanges.push(...result.tierTagChanges);
  }
  return { tierTagChanges };
}
