import { idOf } from "../ids";
import { parseDecimalToCents } from "../money";
import type { CodeDiscountRecord, DiscountContextRecord, DiscountUserErrorRecord, DiscountValue } from "../records";
import type { LocalShopStore } from "../store";
import { normalizeTags } from "../store";
import { notImplemented } from "./errors";
import { parseDateTime } from "./time";

/** Reading `DiscountCodeBasicInput` with Shopify's validation and userErrors. */

export const MAX_CODE_LENGTH = 255;
export const CODE_TAKEN_MESSAGE = "Code must be unique. Please try a different code.";

export interface DiscountCodeBasicInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  customerGets?: {
    value?: {
      percentage?: number | null;
      discountAmount?: { amount?: string | number | null; appliesOnEachItem?: boolean | null } | null;
      discountOnQuantity?: unknown;
    } | null;
    items?: { all?: boolean | null; products?: unknown; collections?: unknown } | null;
    appliesOnOneTimePurchase?: boolean | null;
    appliesOnSubscription?: boolean | null;
  } | null;
  combinesWith?: { orderDiscounts?: boolean | null; productDiscounts?: boolean | null; shippingDiscounts?: boolean | null } | null;
  minimumRequirement?: {
    subtotal?: { greaterThanOrEqualToSubtotal?: string | number | null } | null;
    quantity?: { greaterThanOrEqualToQuantity?: string | number | null } | null;
  } | null;
  appliesOncePerCustomer?: boolean | null;
  usageLimit?: number | null;
  recurringCycleLimit?: number | null;
  context?: { all?: string | null; customers?: { add?: string[] | null; remove?: string[] | null } | null; customerSegments?: unknown; markets?: unknown } | null;
  customerSelection?: { all?: boolean | null; customers?: { add?: string[] | null; remove?: string[] | null } | null; customerSegments?: unknown } | null;
  tags?: string[] | null;
}

type ParsedDiscount = Omit<CodeDiscountRecord, "id" | "codes" | "createdAt" | "updatedAt" | "input">;

const FIELD = "basicCodeDiscount";

export function discountInputError(path: string[], message: string, code: string): DiscountUserErrorRecord {
  return { field: [FIELD, ...path], message, code };
}

function isBlank(value: string | null | undefined): boolean {
  return value == null || value.trim() === "";
}

function parseValue(input: NonNullable<DiscountCodeBasicInput["customerGets"]>["value"], errors: DiscountUserErrorRecord[]): DiscountValue | null {
  if (!input) {
    errors.push(discountInputError(["customerGets", "value"], "Value can't be blank", "BLANK"));
    return null;
  }
  if (input.discountOnQuantity != null) throw notImplemented("DiscountCodeBasicInput.customerGets.value.discountOnQuantity");
  const kinds = [input.percentage != null, input.discountAmount != null].filter(Boolean).length;
  if (kinds !== 1) {
    errors.push(discountInputError(["customerGets", "value"], "Only one of percentage or discountAmount is allowed", "INVALID"));
    return null;
  }
  if (input.percentage != null) {
    if (!(input.percentage > 0 && input.percentage <= 1)) {
      errors.push(discountInputError(["customerGets", "value", "percentage"], "Value must be between 0.0 and 1.0", "VALUE_OUTSIDE_RANGE"));
    }
    return { percentage: input.percentage, amountCents: null, appliesOnEachItem: false };
  }
  const cents = parseDecimalToCents(input.discountAmount?.amount);
  if (!(cents > 0)) {
    errors.push(discountInputError(["customerGets", "value", "discountAmount", "amount"], "Value must be greater than 0", "GREATER_THAN"));
  }
  return { percentage: null, amountCents: cents, appliesOnEachItem: input.discountAmount?.appliesOnEachItem ?? false };
}

function parseContext(input: DiscountCodeBasicInput, store: LocalShopStore, current: DiscountContextRecord, errors: DiscountUserErrorRecord[]): DiscountContextRecord {
  const context = input.context;
  const selection = input.customerSelection;
  if (context?.customerSegments != null || selection?.customerSegments != null) throw notImplemented("discount customerSegments");
  if (context?.markets != null) throw notImplemented("discount context.markets");
  const customers = context?.customers ?? selection?.customers;
  if (customers) {
    const ids = new Set(current.kind === "customers" ? current.customerIds : []);
    for (const customerGid of customers.add ?? []) {
      const id = idOf(customerGid, "Customer");
      if (id === undefined || store.customer(id) === undefined) {
        errors.push(discountInputError(["context", "customers", "add"], `Customer ${customerGid} does not exist`, "INVALID"));
      } else ids.add(id);
    }
    for (const customerGid of customers.remove ?? []) ids.delete(idOf(customerGid, "Customer") ?? -1);
    return { kind: "customers", customerIds: [...ids] };
  }
  if (context?.all != null || selection?.all) return { kind: "all" };
  return current;
}

/** Reads an input over `base` (defaults on create, the stored discount on update). */
export function parseDiscountInput(
  input: DiscountCodeBasicInput,
  base: ParsedDiscount | null,
  store: LocalShopStore,
  errors: DiscountUserErrorRecord[],
): ParsedDiscount {
  const creating = base === null;
  const title = input.title !== undefined ? input.title : base?.title;
  if (isBlank(title)) errors.push(discountInputError(["title"], "Title can't be blank", "BLANK"));

  let startsAt = base?.startsAt ?? NaN;
  if (input.startsAt !== undefined || creating) {
    if (isBlank(input.startsAt)) errors.push(discountInputError(["startsAt"], "Starts at can't be blank", "BLANK"));
    else {
      startsAt = parseDateTime(input.startsAt);
      if (Number.isNaN(startsAt)) errors.push(discountInputError(["startsAt"], "Starts at is invalid", "INVALID"));
    }
  }
  let endsAt = base?.endsAt ?? null;
  if (input.endsAt !== undefined) {
    endsAt = input.endsAt === null ? null : parseDateTime(input.endsAt);
    if (endsAt !== null && Number.isNaN(endsAt)) errors.push(discountInputError(["endsAt"], "Ends at is invalid", "INVALID"));
    else if (endsAt !== null && endsAt < startsAt) {
      errors.push(discountInputError(["endsAt"], "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE"));
    }
  }

  let value = base?.value ?? null;
  const gets = input.customerGets;
  if (gets === undefined || gets === null) {
    if (creating) errors.push(discountInputError(["customerGets"], "Customer gets can't be blank", "BLANK"));
  } else {
    if (gets.items?.products != null || gets.items?.collections != null) {
      throw notImplemented("DiscountCodeBasicInput.customerGets.items (products/collections)");
    }
    if (gets.value !== undefined || creating) value = parseValue(gets.value, errors);
    if (creating && !gets.items?.all) {
      errors.push(discountInputError(["customerGets", "items"], "Items can't be blank", "BLANK"));
    }
  }

  let minimumRequirement = base?.minimumRequirement ?? null;
  if (input.minimumRequirement !== undefined) {
    const min = input.minimumRequirement;
    const subtotal = min?.subtotal?.greaterThanOrEqualToSubtotal;
    const quantity = min?.quantity?.greaterThanOrEqualToQuantity;
    if (subtotal != null && quantity != null) {
      errors.push(
        discountInputError(["minimumRequirement"], "Minimum subtotal and quantity can't both be present", "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT"),
      );
    }
    minimumRequirement =
      subtotal != null ? { kind: "subtotal", subtotalCents: parseDecimalToCents(subtotal) }
      : quantity != null ? { kind: "quantity", quantity: Number(quantity) }
      : null;
  }

  const combines = input.combinesWith;
  return {
    title: (title ?? "").trim(),
    startsAt,
    endsAt,
    value: value ?? { percentage: null, amountCents: 0, appliesOnEachItem: false },
    appliesOnOneTimePurchase: gets?.appliesOnOneTimePurchase ?? base?.appliesOnOneTimePurchase ?? true,
    appliesOnSubscription: gets?.appliesOnSubscription ?? base?.appliesOnSubscription ?? false,
    combinesWith: {
      orderDiscounts: combines?.orderDiscounts ?? base?.combinesWith.orderDiscounts ?? false,
      productDiscounts: combines?.productDiscounts ?? base?.combinesWith.productDiscounts ?? false,
      shippingDiscounts: combines?.shippingDiscounts ?? base?.combinesWith.shippingDiscounts ?? false,
    },
    minimumRequirement,
    appliesOncePerCustomer: input.appliesOncePerCustomer ?? base?.appliesOncePerCustomer ?? false,
    usageLimit: input.usageLimit !== undefined ? input.usageLimit : (base?.usageLimit ?? null),
    recurringCycleLimit: input.recurringCycleLimit !== undefined ? input.recurringCycleLimit : (base?.recurringCycleLimit ?? null),
    context: parseContext(input, store, base?.context ?? { kind: "all" }, errors),
    tags: input.tags ? normalizeTags(input.tags) : (base?.tags ?? []),
  };
}

export function checkCode(code: string | null | undefined, store: LocalShopStore, own: CodeDiscountRecord | null, errors: DiscountUserErrorRecord[]) {
  if (isBlank(code)) {
    errors.push(discountInputError(["code"], "Code can't be blank", "BLANK"));
    return;
  }
  const trimmed = code!.trim();
  if (trimmed.length > MAX_CODE_LENGTH) errors.push(discountInputError(["code"], `Code is too long (maximum is ${MAX_CODE_LENGTH} characters)`, "TOO_LONG"));
  if (/[\r\n]/.test(trimmed)) errors.push(discountInputError(["code"], "Code cannot contain newline characters.", "INVALID"));
  const taken = store.findRedeemCode(trimmed);
  if (taken && taken.discount.id !== own?.id) errors.push(discountInputError(["code"], CODE_TAKEN_MESSAGE, "TAKEN"));
}
