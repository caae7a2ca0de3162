import { gid } from "./ids";
import { financialStatus, orderAmounts } from "./order-amounts";
import type { CustomerRecord, OrderRecord, RefundRecord } from "./records";
import type { LocalShopStore } from "./store";

/**
 * Webhook bodies in Shopify's REST shape (webhooks are not GraphQL): the fields apps
 * commonly read, built from the store so they agree with what the Admin API returns.
 */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** REST money is a string with two decimals ("12.50"), unlike GraphQL's Decimal. */
const rest = (cents: number) => (cents / 100).toFixed(2);

export function customerWebhookPayload(store: LocalShopStore, customer: CustomerRecord) {
  const stats = store.customerStats(customer.id);
  return {
    id: customer.id,
    admin_graphql_api_id: gid("Customer", customer.id),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    phone: customer.phone,
    state: customer.state.toLowerCase(),
    tags: customer.tags.join(", "),
    note: customer.note,
    email_marketing_consent: customer.email
      ? { state: customer.emailMarketingState.toLowerCase(), opt_in_level: null, consent_updated_at: null }
      : null,
    sms_marketing_consent: customer.phone
      ? { state: customer.smsMarketingState.toLowerCase(), opt_in_level: null, consent_updated_at: null, consent_collected_from: "OTHER" }
      : null,
    verified_email: customer.verifiedEmail,
    currency: store.shop.currencyCode,
    orders_count: stats.numberOfOrders,
    total_spent: rest(stats.amountSpentCents),
    last_order_id: stats.lastOrder?.id ?? null,
    last_order_name: stats.lastOrder?.name ?? null,
    created_at: iso(customer.createdAt),
    updated_at: iso(customer.updatedAt),
  };
}

/**
 * An orders/* body. `asOf` builds it as Shopify sent it at that moment (a replayed
 * history): refunds and a cancellation after `asOf` are left out, and `updated_at` is the
 * last change up to then.
 */
export function orderWebhookPayload(store: LocalShopStore, current: OrderRecord, options: { asOf?: number } = {}) {
  const order = options.asOf === undefined ? current : orderAsOf(current, options.asOf);
  const amounts = orderAmounts(order);
  const customer = order.customerId === null ? undefined : store.customer(order.customerId);
  const currency = store.shop.currencyCode;
  return {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email,
    created_at: iso(order.createdAt),
    processed_at: iso(order.processedAt),
    updated_at: iso(order.updatedAt),
    cancelled_at: iso(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: iso(order.closedAt),
    test: order.test,
    currency,
    presentment_currency: currency,
    financial_status: financialStatus(order).toLowerCase(),
    subtotal_price: rest(amounts.subtotalCents),
    total_discounts: rest(amounts.discountCents),
    total_tax: rest(amounts.taxCents),
    total_price: rest(amounts.totalCents),
    current_total_price: rest(amounts.currentTotalCents),
    current_subtotal_price: rest(amounts.currentSubtotalCents),
    tags: order.tags.join(", "),
    note: order.note,
    source_name: order.sourceName,
    discount_codes: order.discountCodes.map((d) => ({ code: d.code, amount: rest(d.amountCents), type: "percentage" })),
    line_items: order.lineItems.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid("LineItem", li.id),
      title: li.title,
      variant_title: li.variantTitle,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      sku: li.sku,
      vendor: li.vendor,
      quantity: li.quantity,
      price: rest(li.unitPriceCents),
    })),
    refunds: order.refunds.map((r) => ({
      id: r.id,
      admin_graphql_api_id: gid("Refund", r.id),
      created_at: iso(r.createdAt),
      note: r.note,
      transactions: [{ kind: "refund", status: "success", amount: rest(r.amountCents), currency }],
    })),
    customer: customer
      ? {
          id: customer.id,
          admin_graphql_api_id: gid("Customer", customer.id),
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
          phone: customer.phone,
          tags: customer.tags.join(", "),
        }
      : null,
  };
}

/** The order as it stood at `at`: later refunds and a later cancellation not yet made. */
export function orderAsOf(order: OrderRecord, at: number): OrderRecord {
  const refunds = order.refunds.filter((r) => r.createdAt <= at);
  const cancelled = order.cancelledAt !== null && order.cancelledAt <= at;
  const changes = [order.createdAt, ...refunds.map((r) => r.createdAt), ...(cancelled ? [order.cancelledAt as number] : [])];
  return {
    ...order,
    refunds,
    cancelledAt: cancelled ? order.cancelledAt : null,
    cancelReason: cancelled ? order.cancelReason : null,
    closedAt: order.closedAt !== null && order.closedAt <= at ? order.closedAt : null,
    updatedAt: Math.max(...changes),
  };
}

/** A refunds/create body (REST shape): the refund's money is in its transactions. */
export function refundWebhookPayload(store: LocalShopStore, order: OrderRecord, refund: RefundRecord) {
  const currency = store.shop.currencyCode;
  return {
    id: refund.id,
    admin_graphql_api_id: gid("Refund", refund.id),
    order_id: order.id,
    created_at: iso(refund.createdAt),
    processed_at: iso(refund.createdAt),
    note: refund.note,
    restock: false,
    refund_line_items: [],
    order_adjustments: [],
    transactions: [
      {
        id: refund.id,
        admin_graphql_api_id: gid("OrderTransaction", refund.id),
        order_id: order.id,
        kind: "refund",
        gateway: "bogus",
        status: "success",
        amount: rest(refund.amountCents),
        currency,
        created_at: iso(refund.createdAt),
        processed_at: iso(refund.createdAt),
      },
    ],
  };
}

export function shopWebhookPayload(store: LocalShopStore) {
  const shop = store.shop;
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.myshopifyDomain,
    myshopify_domain: shop.myshopifyDomain,
    currency: shop.currencyCode,
    iana_timezone: shop.ianaTimezone,
    plan_display_name: shop.plan.publicDisplayName,
    created_at: iso(shop.createdAt),
  };
}

/** Mandatory compliance webhooks. */
export const complianceWebhookPayloads = {
  customersDataRequest(store: LocalShopStore, customer: CustomerRecord, requestId = 9_999) {
    return {
      shop_id: store.shop.id,
      shop_domain: store.shop.myshopifyDomain,
      orders_requested: customer.orderIds,
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
      data_request: { id: requestId },
    };
  },
  customersRedact(store: LocalShopStore, customer: CustomerRecord) {
    return {
      shop_id: store.shop.id,
      shop_domain: store.shop.myshopifyDomain,
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
      orders_to_redact: customer.orderIds,
    };
  },
  shopRedact(store: LocalShopStore) {
    return { shop_id: store.shop.id, shop_domain: store.shop.myshopifyDomain };
  },
};
