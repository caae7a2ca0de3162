/**
 * The ambassador program's offer and how approval shows up in Shopify.
 *
 * Why one program discount holding every ambassador's code, not one discount per
 * ambassador: Shopify adds up to 250 codes to a discount in one `discountRedeemCodeBulkAdd`
 * call (about 13 cost points: 10 for the mutation, a few for what it returns), where one
 * `discountCodeBasicCreate` per ambassador costs as much each: approving 10,000 ambassadors
 * is 40 calls instead of 10,000, seconds instead of about 20 minutes of a Standard shop's
 * budget (`npm run bench codes`). A change to the offer is one
 * `discountCodeBasicUpdate` for everybody, and the merchant sees one "Ambassador program"
 * discount in Shopify admin rather than thousands. Pausing one ambassador removes only
 * their code from it.
 */
import { z } from "zod";
import type { AmbassadorProgram as AmbassadorProgramRow } from "@prisma/client";
import type { DiscountBuyerSelection, DiscountCodeBasicInput } from "../../types/admin.types";
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { adminQuery } from "../../utils/admin-graphql.server";
import { majorUnitsInput, parseMajorUnits } from "../ProgramSettings/shop-money";
import { currencyExponent } from "../OrderHistory/money";
import { ProgramDiscountUpdateMutation } from "../../graphql/ProgramDiscountUpdateMutation";
import { ShopStorefrontQuery } from "../../graphql/ShopStorefrontQuery";
import { CODE_DIGITS } from "./code-format";
import { CHECKOUT_INVITE_OPTIONS, checkoutInviteOf, type CheckoutInvite } from "./checkout-invite";
import { describeUserErrors, type ShopifyUserError } from "./user-errors";
import { addDays, isDay, shopDay, startOfShopDay } from "../../utils/shop-days";

export const PROGRAM_DISCOUNT_TITLE = "Ambassador program";

export interface AmbassadorProgram {
  discountKind: "percentage" | "fixed_amount";
  discountPercent: number;
  discountAmountCents: number;
  minimumOrderCents: number;
  oncePerCustomer: boolean;
  combinesWithOrder: boolean;
  combinesWithProduct: boolean;
  combinesWithShipping: boolean;
  discountEndsAt: Date | null;
  codeDigits: number;
  ambassadorTag: string;
  autoApprove: boolean;
  /** Whom the checkout Thank you and Order status blocks invite to apply. */
  checkoutInvite: CheckoutInvite;
  programDiscountId: string | null;
  storefrontUrl: string | null;
}

export const DEFAULT_AMBASSADOR_PROGRAM: AmbassadorProgram = {
  discountKind: "percentage",
  discountPercent: 10,
  discountAmountCents: 0,
  minimumOrderCents: 0,
  oncePerCustomer: true,
  combinesWithOrder: false,
  combinesWithProduct: false,
  combinesWithShipping: true,
  discountEndsAt: null,
  codeDigits: 3,
  ambassadorTag: "ambassador",
  autoApprove: false,
  checkoutInvite: "repeat_buyers",
  programDiscountId: null,
  storefrontUrl: null,
};

function fromRow(row: AmbassadorProgramRow): AmbassadorProgram {
  return {
    discountKind: row.discountKind === "fixed_amount" ? "fixed_amount" : "percentage",
    discountPercent: row.discountPercent,
    discountAmountCents: Number(row.discountAmountCents),
    minimumOrderCents: Number(row.minimumOrderCents),
    oncePerCustomer: row.oncePerCustomer,
    combinesWithOrder: row.combinesWithOrder,
    combinesWithProduct: row.combinesWithProduct,
    combinesWithShipping: row.combinesWithShipping,
    discountEndsAt: row.discountEndsAt,
    codeDigits: row.codeDigits,
    ambassadorTag: row.ambassadorTag,
    autoApprove: row.autoApprove,
    checkoutInvite: checkoutInviteOf(row.checkoutInvite),
    programDiscountId: row.programDiscountId,
    storefrontUrl: row.storefrontUrl,
  };
}

export async function getAmbassadorProgram(shop: string): Promise<AmbassadorProgram> {
  const row = await prisma.ambassadorProgram.findUnique({ where: { shop } });
  return row ? fromRow(row) : { ...DEFAULT_AMBASSADOR_PROGRAM };
}

/** Remembers the program discount Shopify created (or forgets one the merchant deleted). */
export async function setProgramDiscountId(shop: string, programDiscountId: string | null) {
  await prisma.ambassadorProgram.upsert({
    where: { shop },
    create: { shop, programDiscountId },
    update: { programDiscountId },
  });
}

/**
 * The store's primary domain, the base of every share link. Asked of Shopify once and
 * kept; `refresh` asks again (the merchant may connect a domain later).
 */
export async function storefrontUrlFor(
  graphql: AdminGraphqlClient,
  shop: string,
  { refresh = false } = {},
): Promise<string> {
  const stored = await prisma.ambassadorProgram.findUnique({ where: { shop }, select: { storefrontUrl: true } });
  if (stored?.storefrontUrl && !refresh) return stored.storefrontUrl;
  const { shop: shopInfo } = await adminQuery(graphql, ShopStorefrontQuery);
  const storefrontUrl = shopInfo.primaryDomain.url.replace(/\/+$/, "");
  await prisma.ambassadorProgram.upsert({
    where: { shop },
    create: { shop, storefrontUrl },
    update: { storefrontUrl },
  });
  return storefrontUrl;
}

/** Minor units → the decimal string Shopify's Money inputs take ("12.50"). */
function decimalAmount(minorUnits: number, currencyCode: string | null): string {
  const exponent = currencyExponent(currencyCode);
  return (minorUnits / 10 ** exponent).toFixed(exponent);
}

/**
 * The program discount as Shopify's `DiscountCodeBasicInput`. `code` and `startsAt` are
 * only sent on creation; everything else is what the merchant set.
 */
export function programDiscountInput(
  program: AmbassadorProgram,
  currencyCode: string | null,
  creation?: { code: string; startsAt: Date },
): DiscountCodeBasicInput {
  return {
    title: PROGRAM_DISCOUNT_TITLE,
    ...(creation ? { code: creation.code, startsAt: creation.startsAt.toISOString() } : {}),
    endsAt: program.discountEndsAt ? program.discountEndsAt.toISOString() : null,
    // A type-only enum in the generated types: the string is what goes on the wire.
    context: { all: "ALL" as DiscountBuyerSelection },
    customerGets: {
      items: { all: true },
      value:
        program.discountKind === "percentage"
          ? { percentage: program.discountPercent / 100 }
          : {
              discountAmount: {
                amount: decimalAmount(program.discountAmountCents, currencyCode),
                appliesOnEachItem: false,
              },
            },
    },
    minimumRequirement:
      program.minimumOrderCents > 0
        ? { subtotal: { greaterThanOrEqualToSubtotal: decimalAmount(program.minimumOrderCents, currencyCode) } }
        : null,
    appliesOncePerCustomer: program.oncePerCustomer,
    combinesWith: {
      orderDiscounts: program.combinesWithOrder,
      productDiscounts: program.combinesWithProduct,
      shippingDiscounts: program.combinesWithShipping,
    },
  };
}

// ---- The merchant's form -------------------------------------------------------------------

/** The form as typed: money in major units of the shop currency, booleans as "on". */
export interface AmbassadorProgramFormValues {
  discountKind: string;
  discountPercent: string;
  discountAmount: string;
  minimumOrder: string;
  oncePerCustomer: boolean;
  combinesWithOrder: boolean;
  combinesWithProduct: boolean;
  combinesWithShipping: boolean;
  /** YYYY-MM-DD or "". */
  discountEndsOn: string;
  codeDigits: string;
  ambassadorTag: string;
  autoApprove: boolean;
  /** One of CHECKOUT_INVITE_OPTIONS; "" (a form without the field) means the default. */
  checkoutInvite: string;
}

export type AmbassadorProgramFieldErrors = Partial<Record<keyof AmbassadorProgramFormValues, string>>;

/** `timeZone`: the shop's (IANA); the end date is a day of the shop's calendar. */
export function formValuesFor(
  program: AmbassadorProgram,
  currencyCode: string | null,
  timeZone = "UTC",
): AmbassadorProgramFormValues {
  return {
    discountKind: program.discountKind,
    discountPercent: String(program.discountPercent),
    discountAmount: majorUnitsInput(program.discountAmountCents, currencyCode),
    minimumOrder: majorUnitsInput(program.minimumOrderCents, currencyCode),
    oncePerCustomer: program.oncePerCustomer,
    combinesWithOrder: program.combinesWithOrder,
    combinesWithProduct: program.combinesWithProduct,
    combinesWithShipping: program.combinesWithShipping,
    discountEndsOn: program.discountEndsAt ? shopDay(program.discountEndsAt, timeZone) : "",
    codeDigits: String(program.codeDigits),
    ambassadorTag: program.ambassadorTag,
    autoApprove: program.autoApprove,
    checkoutInvite: program.checkoutInvite,
  };
}

/** A Shopify customer tag: up to 40 characters, no commas (Shopify splits tags on them). */
const tagSchema = z
  .string()
  .trim()
  .min(1, "Tag is required")
  .max(40, "Tag must be at most 40 characters")
  .refine((tag) => !tag.includes(","), "Tag can't contain a comma");

const MAX_AMOUNT_MINOR_UNITS = 100_000_000_000;

type ParsedProgram = Omit<AmbassadorProgram, "programDiscountId" | "storefrontUrl">;

/** Validates the form; every problem is reported at once, per field. */
export function parseProgramForm(
  values: AmbassadorProgramFormValues,
  currencyCode: string | null,
  now: Date = new Date(),
  timeZone = "UTC",
): { ok: true; program: ParsedProgram } | { ok: false; errors: AmbassadorProgramFieldErrors } {
  const errors: AmbassadorProgramFieldErrors = {};
  const discountKind = values.discountKind === "fixed_amount" ? "fixed_amount" : "percentage";
  if (values.discountKind !== "percentage" && values.discountKind !== "fixed_amount") {
    errors.discountKind = "Choose a percentage or a fixed amount";
  }

  let discountPercent = DEFAULT_AMBASSADOR_PROGRAM.discountPercent;
  let discountAmountCents = 0;
  if (discountKind === "percentage") {
    const percent = values.discountPercent.trim();
    if (!/^\d+$/.test(percent)) errors.discountPercent = "Discount must be a whole percentage, like 10";
    else if (Number(percent) < 1 || Number(percent) > 100) errors.discountPercent = "Discount must be between 1 and 100 %";
    else discountPercent = Number(percent);
  } else if (values.discountAmount.trim() === "") {
    errors.discountAmount = "Amount off is required";
  } else {
    const amount = parseMajorUnits(values.discountAmount, currencyCode, {
      label: "Amount off",
      maxMinorUnits: MAX_AMOUNT_MINOR_UNITS,
    });
    if (!amount.ok) errors.discountAmount = amount.error;
    else if (amount.minorUnits <= 0) errors.discountAmount = "Amount off must be more than 0";
    else discountAmountCents = amount.minorUnits;
  }

  let minimumOrderCents = 0;
  if (values.minimumOrder.trim() !== "") {
    const minimum = parseMajorUnits(values.minimumOrder, currencyCode, {
      label: "Minimum order",
      maxMinorUnits: MAX_AMOUNT_MINOR_UNITS,
    });
    if (!minimum.ok) errors.minimumOrder = minimum.error;
    else minimumOrderCents = minimum.minorUnits;
  }

  let discountEndsAt: Date | null = null;
  if (values.discountEndsOn.trim() !== "") {
    const day = values.discountEndsOn.trim();
    // The last second of that day in the shop's time zone.
    const parsed = isDay(day) ? new Date(startOfShopDay(addDays(day, 1), timeZone).getTime() - 1_000) : null;
    if (!parsed) {
      errors.discountEndsOn = "End date must be a date like 2027-01-31";
    } else if (parsed <= now) {
      errors.discountEndsOn = "End date must be in the future";
    } else {
      discountEndsAt = parsed;
    }
  }

  const digits = values.codeDigits.trim();
  let codeDigits = DEFAULT_AMBASSADOR_PROGRAM.codeDigits;
  if (!/^\d+$/.test(digits) || Number(digits) < CODE_DIGITS.min || Number(digits) > CODE_DIGITS.max) {
    errors.codeDigits = `Digits must be between ${CODE_DIGITS.min} and ${CODE_DIGITS.max}`;
  } else {
    codeDigits = Number(digits);
  }

  const tag = tagSchema.safeParse(values.ambassadorTag);
  if (!tag.success) errors.ambassadorTag = tag.error.issues[0].message;

  const invite = values.checkoutInvite.trim();
  if (invite !== "" && !(CHECKOUT_INVITE_OPTIONS as readonly string[]).includes(invite)) {
    errors.checkoutInvite = "Choose repeat buyers, everyone or nobody";
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    program: {
      discountKind,
      discountPercent,
      discountAmountCents,
      minimumOrderCents,
      oncePerCustomer: values.oncePerCustomer,
      combinesWithOrder: values.combinesWithOrder,
      combinesWithProduct: values.combinesWithProduct,
      combinesWithShipping: values.combinesWithShipping,
      discountEndsAt,
      codeDigits,
      ambassadorTag: tag.success ? tag.data : DEFAULT_AMBASSADOR_PROGRAM.ambassadorTag,
      autoApprove: values.autoApprove,
      checkoutInvite: checkoutInviteOf(invite),
    },
  };
}

export type SaveAmbassadorProgramResult =
  | { ok: true; program: AmbassadorProgram }
  | { ok: false; errors: AmbassadorProgramFieldErrors; shopifyErrors: string[] };

/**
 * Saves the offer. When the program discount already exists in Shopify it is updated
 * first; if Shopify refuses, its `userErrors` are returned in plain words and nothing is
 * saved here, so the app never promises an offer Shopify does not apply.
 */
export async function saveAmbassadorProgram(
  graphql: AdminGraphqlClient,
  shop: string,
  values: AmbassadorProgramFormValues,
  currencyCode: string | null,
  timeZone = "UTC",
): Promise<SaveAmbassadorProgramResult> {
  const parsed = parseProgramForm(values, currencyCode, new Date(), timeZone);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, shopifyErrors: [] };
  const current = await getAmbassadorProgram(shop);
  const next: AmbassadorProgram = { ...current, ...parsed.program };

  if (current.programDiscountId) {
    // Codes paused by the merchant (discount deactivated): a new offer must not switch them back on.
    const paused = await prisma.ambassadorProgram.findUnique({ where: { shop }, select: { codesPausedAt: true } });
    const discount = programDiscountInput(next, currencyCode);
    const { discountCodeBasicUpdate } = await adminQuery(graphql, ProgramDiscountUpdateMutation, {
      id: current.programDiscountId,
      discount: paused?.codesPausedAt ? { ...discount, endsAt: paused.codesPausedAt.toISOString() } : discount,
    });
    const userErrors = (discountCodeBasicUpdate?.userErrors ?? []) as ShopifyUserError[];
    if (userErrors.length > 0) {
      return { ok: false, errors: {}, shopifyErrors: describeUserErrors(userErrors) };
    }
  }
  const data = {
    ...parsed.program,
    discountAmountCents: BigInt(parsed.program.discountAmountCents),
    minimumOrderCents: BigInt(parsed.program.minimumOrderCents),
  };
  const row = await prisma.ambassadorProgram.upsert({
    where: { shop },
    create: { shop, ...data },
    update: data,
  });
  return { ok: true, program: fromRow(row) };
}
