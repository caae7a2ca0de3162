import type { CodeDiscountRecord, CustomerRecord, OrderRecord } from "./records";
import { discountStatus } from "./resolvers/discount-views";
import type { LocalShopStore, NewLineItem } from "./store";

/**
 * Shopify's checkout, as far as the demo and tests need it: a cart of line items, a
 * discount code typed (or applied by the /discount/CODE route), a customer found or created
 * by email, and the paid order. Codes are checked as Shopify's checkout checks a basic code
 * discount: it exists (case-insensitively), it is active now, the buyer is eligible, the
 * minimum is met, it is not used up, and once-per-customer codes were not used before.
 */

/** Orders under this subtotal pay flat-rate shipping (the seeded history's rule too). */
export const FREE_SHIPPING_FROM_CENTS = 5_000;
export const SHIPPING_CENTS = 599;
/** Sales tax on the discounted subtotal, in basis points. */
export const TAX_BASIS_POINTS = 800;

export type CheckoutLine = NewLineItem;

export type DiscountCheck =
  | { ok: true; code: string; discount: CodeDiscountRecord; amountCents: number }
  | { ok: false; message: string };

/** The amounts of a checkout, as its order summary shows them. */
export interface CheckoutTotals {
  lineItemsCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
}

export function checkoutTotals(lines: CheckoutLine[], discountCents: number): CheckoutTotals {
  const lineItemsCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  const subtotal = Math.max(0, lineItemsCents - discountCents);
  const shippingCents = subtotal >= FREE_SHIPPING_FROM_CENTS || lines.length === 0 ? 0 : SHIPPING_CENTS;
  const taxCents = Math.round((subtotal * TAX_BASIS_POINTS) / 10_000);
  return { lineItemsCents, discountCents, shippingCents, taxCents, totalCents: subtotal + shippingCents + taxCents };
}

/** The customer of an email address, case-insensitively (Shopify's checkout links them so). */
export function customerByEmail(store: LocalShopStore, email: string): CustomerRecord | undefined {
  const wanted = email.trim().toLowerCase();
  return store.customers.find((c) => c.email?.toLowerCase() === wanted);
}

function usedBy(store: LocalShopStore, discount: CodeDiscountRecord, customerId: number | null): OrderRecord[] {
  const orders = discount.codes.flatMap((c) => store.ordersWithDiscountCode(c.code));
  return customerId === null ? orders : orders.filter((o) => o.customerId === customerId);
}

/**
 * Whether `code` applies to this cart and buyer, and what it takes off. The messages are
 * the ones Shopify's checkout shows.
 */
export function checkDiscountCode(
  store: LocalShopStore,
  code: string,
  lines: CheckoutLine[],
  buyer: CustomerRecord | null,
): DiscountCheck {
  const typed = code.trim();
  const found = typed ? store.findRedeemCode(typed) : undefined;
  if (!found) return { ok: false, message: "Enter a valid discount code" };
  const { discount } = found;
  if (discountStatus(discount, store.now()) !== "ACTIVE") {
    return { ok: false, message: `${typed} discount code isn't available right now` };
  }
  if (discount.context.kind === "customers" && !(buyer && discount.context.customerIds.includes(buyer.id))) {
    return { ok: false, message: `${typed} discount code isn't available to you right now` };
  }
  const lineItemsCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  const quantity = lines.reduce((sum, line) => sum + line.quantity, 0);
  const minimum = discount.minimumRequirement;
  if (minimum?.kind === "subtotal" && lineItemsCents < minimum.subtotalCents) {
    return { ok: false, message: `Your cart does not meet the minimum for ${typed}` };
  }
  if (minimum?.kind === "quantity" && quantity < minimum.quantity) {
    return { ok: false, message: `Your cart does not meet the minimum for ${typed}` };
  }
  if (discount.usageLimit !== null && usedBy(store, discount, null).length >= discount.usageLimit) {
    return { ok: false, message: `${typed} discount code isn't available right now` };
  }
  if (discount.appliesOncePerCustomer && buyer && usedBy(store, discount, buyer.id).length > 0) {
    return { ok: false, message: "This discount code has already been used" };
  }
  const { percentage, amountCents, appliesOnEachItem } = discount.value;
  const off =
    percentage !== null
      ? Math.round(lineItemsCents * percentage)
      : Math.min(lineItemsCents, (amountCents ?? 0) * (appliesOnEachItem ? quantity : 1));
  return { ok: true, code: found.code.code, discount, amountCents: off };
}

export interface CheckoutInput {
  lines: CheckoutLine[];
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  /** The logged-in customer, if any (else the email's customer, or a new one). */
  customerId?: number | null;
  discountCode?: string | null;
}

export type CheckoutResult =
  | { ok: true; order: OrderRecord; customer: CustomerRecord; createdCustomer: boolean }
  | { ok: false; field: "email" | "discountCode" | "lines"; message: string };

/**
 * Completes a checkout: the buyer's customer (created for a new email, as Shopify's
 * checkout does), the discount, and the paid order. The caller sends orders/create.
 */
export function completeCheckout(store: LocalShopStore, input: CheckoutInput): CheckoutResult {
  if (input.lines.length === 0) return { ok: false, field: "lines", message: "Your cart is empty" };
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { ok: false, field: "email", message: "Enter a valid email" };
  }
  const known =
    (input.customerId != null ? store.customer(input.customerId) : undefined) ?? customerByEmail(store, email);
  let discount: Extract<DiscountCheck, { ok: true }> | null = null;
  if (input.discountCode?.trim()) {
    const check = checkDiscountCode(store, input.discountCode, input.lines, known ?? null);
    if (!check.ok) return { ok: false, field: "discountCode", message: check.message };
    discount = check;
  }
  const customer =
    known ??
    store.addCustomer({
      email,
      firstName: input.firstName?.trim() || null,
      lastName: input.lastName?.trim() || null,
      // A customer record made at checkout has no account until they activate one.
      state: "DISABLED",
    });
  const totals = checkoutTotals(input.lines, discount?.amountCents ?? 0);
  const order = store.addOrder({
    customerId: customer.id,
    email,
    lineItems: input.lines,
    // The order keeps the code as the shopper entered it.
    discountCodes: discount ? [{ code: input.discountCode!.trim(), amountCents: discount.amountCents }] : [],
    shippingCents: totals.shippingCents,
    taxCents: totals.taxCents,
  });
  return { ok: true, order, customer, createdCustomer: !known };
}
