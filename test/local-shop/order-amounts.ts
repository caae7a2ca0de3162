import type { OrderRecord } from "./records";

export interface OrderAmounts {
  lineItemsCents: number;
  discountCents: number;
  /** After discounts, before shipping and taxes (Shopify's `subtotalPriceSet`). */
  subtotalCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  refundedCents: number;
  /** Totals after refunds (Shopify's `current*` fields). */
  currentTotalCents: number;
  currentSubtotalCents: number;
  currentDiscountCents: number;
  currentTaxCents: number;
  quantity: number;
}

/**
 * Derives an order's money fields. Refunds are not tied to line items here, so the
 * "current" subtotal/discount/tax shrink in proportion to what is left of the total.
 */
export function orderAmounts(order: OrderRecord): OrderAmounts {
  const lineItemsCents = order.lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0);
  const discountCents = order.discountCodes.reduce((sum, d) => sum + d.amountCents, 0);
  const subtotalCents = Math.max(0, lineItemsCents - discountCents);
  const totalCents = subtotalCents + order.shippingCents + order.taxCents;
  const refundedCents = order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  const currentTotalCents = Math.max(0, totalCents - refundedCents);
  const share = totalCents === 0 ? 1 : currentTotalCents / totalCents;
  return {
    lineItemsCents,
    discountCents,
    subtotalCents,
    shippingCents: order.shippingCents,
    taxCents: order.taxCents,
    totalCents,
    refundedCents,
    currentTotalCents,
    currentSubtotalCents: Math.round(subtotalCents * share),
    currentDiscountCents: Math.round(discountCents * share),
    currentTaxCents: Math.round(order.taxCents * share),
    quantity: order.lineItems.reduce((sum, li) => sum + li.quantity, 0),
  };
}

export type FinancialStatus = "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED";

/** Orders of the local shop are always paid at checkout; refunds change the status. */
export function financialStatus(order: OrderRecord): FinancialStatus {
  const { refundedCents, totalCents } = orderAmounts(order);
  if (refundedCents > 0 && refundedCents >= totalCents) return "REFUNDED";
  if (refundedCents > 0) return "PARTIALLY_REFUNDED";
  return "PAID";
}
