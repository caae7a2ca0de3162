/**
 * Shopify's order, refund and customer representations (Admin GraphQL nodes and REST-style
 * webhook payloads) normalised to plain snapshots: numeric ids as strings, money as integer
 * minor units of the shop currency, Dates.
 */
import { currencyExponent, toMinorUnits } from "./money";

/** One order as Shopify showed it at `sourceUpdatedAt`. */
export interface OrderSnapshot {
  orderId: string;
  /** Null for a guest checkout. */
  customerId: string | null;
  processedAt: Date;
  /** Shopify's `updatedAt`: a snapshot never replaces a newer one. */
  sourceUpdatedAt: Date;
  /** Total before refunds, shop money. */
  totalCents: number;
  /** Refunded so far, shop money. */
  refundedCents: number;
  cancelledAt: Date | null;
  test: boolean;
  discountCodes: string[];
  /** Shop currency of the amounts, when the source says. */
  currencyCode: string | null;
  /** The customer's display data, when the source carries it. */
  customer: CustomerProfile | null;
}

/** A customer's display data (personal: shown to the merchant, erased on request). */
export interface CustomerProfile {
  customerId: string;
  displayName: string | null;
  email: string | null;
  tags: string[];
  /** Shopify's `updatedAt` of the customer, when known: older profiles never win. */
  sourceUpdatedAt: Date | null;
  /** Subscribed to email / SMS marketing; null when the source does not say. */
  emailSubscribed?: boolean | null;
  smsSubscribed?: boolean | null;
}

/** One refund from refunds/create. */
export interface RefundSnapshot {
  refundId: string;
  orderId: string;
  /** Money returned by successful refund transactions, shop money. */
  amountCents: number;
  createdAt: Date;
}

// ---- Admin GraphQL ----------------------------------------------------------------------

interface MoneyV2Node {
  amount: string;
  currencyCode?: string | null;
}

/** An Order node as OrderHistoryBulkQuery (or a paginated query with its fields) returns it. */
export interface AdminOrderNode {
  id: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt?: string | null;
  test?: boolean | null;
  discountCodes?: string[] | null;
  customer?: {
    id: string;
    displayName?: string | null;
    defaultEmailAddress?: { emailAddress?: string | null; marketingState?: string | null } | null;
    defaultPhoneNumber?: { marketingState?: string | null } | null;
    tags?: string[] | null;
    updatedAt?: string | null;
  } | null;
  totalPriceSet: { shopMoney: MoneyV2Node };
  totalRefundedSet?: { shopMoney: MoneyV2Node } | null;
}

function isDigits(text: string, from = 0): boolean {
  if (from >= text.length) return false;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

const GID_PREFIX = "gid://shopify/";

/** "gid://shopify/Order/123" → "123"; numeric ids pass through. Throws on anything else. */
export function numericId(id: string | number | bigint, type?: string): string {
  if (typeof id !== "string") {
    if (typeof id === "number" && !Number.isSafeInteger(id)) throw new Error(`Not a Shopify id: ${id}`);
    return String(id);
  }
  if (isDigits(id)) return id;
  const slash = id.lastIndexOf("/");
  const idType = id.slice(GID_PREFIX.length, slash);
  if (id.startsWith(GID_PREFIX) && isDigits(id, slash + 1) && /^[A-Za-z]+$/.test(idType) && (!type || idType === type)) {
    return id.slice(slash + 1);
  }
  throw new Error(`Not a Shopify${type ? ` ${type}` : ""} id: "${id}"`);
}

function date(value: string, field: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new Error(`${field} is not a date: "${value}"`);
  return parsed;
}

function optionalDate(value: string | null | undefined, field: string): Date | null {
  return value ? date(value, field) : null;
}

/** Discount codes as stored and matched: trimmed, upper-cased, each once, in order. */
export function normalizeDiscountCodes(codes: Iterable<string | null | undefined>): string[] {
  const seen = new Set<string>();
  for (const code of codes) {
    const normalized = code?.trim().toUpperCase();
    if (normalized) seen.add(normalized);
  }
  return [...seen];
}

/**
 * A marketing state (Admin API `SUBSCRIBED`, webhook `subscribed`) as consent: true only
 * when subscribed. Null when the source did not ask (`asked` false); a customer without an
 * email address or phone number was asked and is not subscribed.
 */
export function marketingSubscribed(state: string | null | undefined, asked = true): boolean | null {
  if (!asked) return null;
  return typeof state === "string" && state.toUpperCase() === "SUBSCRIBED";
}

export function orderSnapshotFromAdminApi(node: AdminOrderNode): OrderSnapshot {
  const currencyCode = node.totalPriceSet.shopMoney.currencyCode ?? null;
  const exponent = currencyExponent(currencyCode);
  const customer = node.customer;
  return {
    orderId: numericId(node.id, "Order"),
    customerId: customer ? numericId(customer.id, "Customer") : null,
    processedAt: date(node.processedAt, "processedAt"),
    sourceUpdatedAt: date(node.updatedAt, "updatedAt"),
    totalCents: toMinorUnits(node.totalPriceSet.shopMoney.amount, exponent),
    refundedCents: node.totalRefundedSet
      ? toMinorUnits(node.totalRefundedSet.shopMoney.amount, exponent)
      : 0,
    cancelledAt: optionalDate(node.cancelledAt, "cancelledAt"),
    test: node.test === true,
    discountCodes: normalizeDiscountCodes(node.discountCodes ?? []),
    currencyCode,
    customer: customer
      ? {
          customerId: numericId(customer.id, "Customer"),
          displayName: customer.displayName?.trim() || null,
          email: customer.defaultEmailAddress?.emailAddress?.trim() || null,
          tags: customer.tags ?? [],
          sourceUpdatedAt: optionalDate(customer.updatedAt, "customer.updatedAt"),
          emailSubscribed: marketingSubscribed(customer.defaultEmailAddress?.marketingState, "defaultEmailAddress" in customer),
          smsSubscribed: marketingSubscribed(customer.defaultPhoneNumber?.marketingState, "defaultPhoneNumber" in customer),
        }
      : null,
  };
}

// ---- REST-style webhook payloads ---------------------------------------------------------

interface MoneySetPayload {
  shop_money?: { amount?: string | number; currency_code?: string } | null;
  presentment_money?: { amount?: string | number; currency_code?: string } | null;
}

interface TransactionPayload {
  kind?: string;
  status?: string;
  amount?: string | number;
  currency?: string;
}

/** The fields of an orders/create|updated|cancelled payload this model reads. */
export interface OrderWebhookPayload {
  id: number | string;
  admin_graphql_api_id?: string;
  /** "#1001": for messages only. */
  name?: string;
  updated_at: string;
  processed_at?: string | null;
  created_at?: string;
  cancelled_at?: string | null;
  test?: boolean;
  /** Shop currency. */
  currency?: string;
  presentment_currency?: string;
  total_price?: string | number;
  total_price_set?: MoneySetPayload;
  /** `amount`: what the code took off the order, in the shop currency (REST decimal). */
  discount_codes?: { code?: string; amount?: string | number; type?: string }[] | null;
  /** All discounts on the order (codes and automatic), shop currency. */
  total_discounts?: string | number;
  /** The buyer's email (also on `customer.email`): read for self-referral, never stored. */
  email?: string | null;
  contact_email?: string | null;
  customer?: CustomerWebhookPayload | null;
  refunds?: { transactions?: TransactionPayload[] | null }[] | null;
}

/** The fields of a refunds/create payload this model reads. */
export interface RefundWebhookPayload {
  id: number | string;
  order_id: number | string;
  created_at?: string;
  processed_at?: string;
  transactions?: TransactionPayload[] | null;
}

/** The fields of a customers/create|update payload this model reads. */
export interface CustomerWebhookPayload {
  id: number | string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  tags?: string | null;
  updated_at?: string | null;
  email_marketing_consent?: { state?: string | null } | null;
  sms_marketing_consent?: { state?: string | null } | null;
}

function isSuccessfulRefund(transaction: TransactionPayload): boolean {
  return transaction.kind === "refund" && transaction.status === "success";
}

/** Shopify's displayName: the full name, else the email. */
function displayName(first?: string | null, last?: string | null, email?: string | null) {
  return [first, last].map((part) => part?.trim()).filter(Boolean).join(" ") || email?.trim() || null;
}

/** REST tags: "vip, wholesale" → ["vip", "wholesale"]. */
function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? "").split(",").map((tag) => tag.trim()).filter(Boolean);
}

/**
 * The payload of orders/create, orders/updated or orders/cancelled as a snapshot.
 *
 * The total is `total_price_set.shop_money` (before refunds). REST payloads carry no
 * refunded total in shop money, so it is the sum of the successful refund transactions
 * (`refunds[].transactions[]`, kind "refund"). Transactions are in the presentment
 * currency; when that is not the shop currency they are converted at the order's own rate
 * (shop total / presentment total), rounded to the minor unit.
 */
export function orderSnapshotFromWebhook(payload: OrderWebhookPayload): OrderSnapshot {
  const shopMoney = payload.total_price_set?.shop_money;
  const presentmentMoney = payload.total_price_set?.presentment_money;
  const currencyCode = shopMoney?.currency_code ?? payload.currency ?? null;
  const exponent = currencyExponent(currencyCode);
  const totalAmount = shopMoney?.amount ?? payload.total_price;
  if (totalAmount === undefined) throw new Error("Order payload has no total_price_set or total_price");
  const totalCents = toMinorUnits(totalAmount, exponent);

  const transactions = (payload.refunds ?? []).flatMap((refund) => refund.transactions ?? []);
  const presentmentCurrency = presentmentMoney?.currency_code ?? payload.presentment_currency ?? currencyCode;
  const presentmentExponent = currencyExponent(presentmentCurrency);
  let refundedShop = 0;
  let refundedPresentment = 0;
  for (const transaction of transactions.filter(isSuccessfulRefund)) {
    const currency = transaction.currency ?? presentmentCurrency;
    if (currency === currencyCode) refundedShop += toMinorUnits(transaction.amount ?? "0", exponent);
    else refundedPresentment += toMinorUnits(transaction.amount ?? "0", presentmentExponent);
  }
  if (refundedPresentment > 0) {
    const presentmentTotal = presentmentMoney?.amount;
    const presentmentTotalUnits = presentmentTotal === undefined ? 0 : toMinorUnits(presentmentTotal, presentmentExponent);
    // No rate to convert with (a zero total): count it as all of the order.
    refundedShop += presentmentTotalUnits > 0
      ? Math.round((refundedPresentment * totalCents) / presentmentTotalUnits)
      : totalCents;
  }

  const customer = payload.customer;
  const orderId = numericId(payload.admin_graphql_api_id ?? payload.id, "Order");
  const processedAt = payload.processed_at ?? payload.created_at;
  if (!processedAt) throw new Error(`Order ${orderId} payload has no processed_at`);
  return {
    orderId,
    customerId: customer ? numericId(customer.id, "Customer") : null,
    processedAt: date(processedAt, "processed_at"),
    sourceUpdatedAt: date(payload.updated_at, "updated_at"),
    totalCents,
    refundedCents: refundedShop,
    cancelledAt: optionalDate(payload.cancelled_at, "cancelled_at"),
    test: payload.test === true,
    discountCodes: normalizeDiscountCodes((payload.discount_codes ?? []).map((d) => d.code)),
    currencyCode,
    customer: customer ? customerProfileFromWebhook(customer) : null,
  };
}

/**
 * A refunds/create payload as a refund fact, or null when its amount cannot be known in
 * shop money: its transactions are in the presentment currency, and the payload has no
 * rate. Then the orders/updated delivery Shopify sends for the same refund carries it.
 */
export function refundSnapshotFromWebhook(
  payload: RefundWebhookPayload,
  shopCurrencyCode: string | null,
): RefundSnapshot | null {
  const transactions = (payload.transactions ?? []).filter(isSuccessfulRefund);
  const exponent = currencyExponent(shopCurrencyCode);
  let amountCents = 0;
  for (const transaction of transactions) {
    if (transaction.currency && shopCurrencyCode && transaction.currency !== shopCurrencyCode) {
      return null;
    }
    amountCents += toMinorUnits(transaction.amount ?? "0", exponent);
  }
  const createdAt = payload.created_at ?? payload.processed_at;
  return {
    refundId: numericId(payload.id, "Refund"),
    orderId: numericId(payload.order_id, "Order"),
    amountCents,
    createdAt: createdAt ? date(createdAt, "created_at") : new Date(0),
  };
}

/** A customers/update payload (or an order payload's `customer`) as a profile. */
export function customerProfileFromWebhook(payload: CustomerWebhookPayload): CustomerProfile {
  return {
    customerId: numericId(payload.id, "Customer"),
    displayName: displayName(payload.first_name, payload.last_name, payload.email),
    email: payload.email?.trim() || null,
    tags: splitTags(payload.tags),
    sourceUpdatedAt: optionalDate(payload.updated_at, "updated_at"),
    emailSubscribed: marketingSubscribed(payload.email_marketing_consent?.state, "email_marketing_consent" in payload),
    smsSubscribed: marketingSubscribed(payload.sms_marketing_consent?.state, "sms_marketing_consent" in payload),
  };
}

/** What an order payload says beyond its snapshot, for attribution (never stored as is). */
export interface OrderAttributionHints {
  /** Per upper-cased code: what it took off the order, shop money. */
  discountCodeAmounts: Record<string, number>;
  /** The buyer's email, lower-cased; null when the payload has none. */
  buyerEmail: string | null;
  /** Shopify's order name ("#1001"), for messages. */
  orderName: string | null;
}

/**
 * The per-code discount amounts and the buyer's email of an orders/* payload. REST
 * `discount_codes[].amount` is in the shop currency; an unreadable amount counts as 0.
 */
export function orderAttributionHintsFromWebhook(payload: OrderWebhookPayload): OrderAttributionHints {
  const currencyCode = payload.total_price_set?.shop_money?.currency_code ?? payload.currency ?? null;
  const exponent = currencyExponent(currencyCode);
  const discountCodeAmounts: Record<string, number> = {};
  for (const discount of payload.discount_codes ?? []) {
    const [code] = normalizeDiscountCodes([discount.code]);
    if (!code) continue;
    let cents = 0;
    try {
      cents = discount.amount === undefined ? 0 : toMinorUnits(discount.amount, exponent);
    } catch {
      cents = 0;
    }
    discountCodeAmounts[code] = (discountCodeAmounts[code] ?? 0) + Math.max(0, cents);
  }
  const email = payload.email ?? payload.contact_email ?? payload.customer?.email ?? null;
  return {
    discountCodeAmounts,
    buyerEmail: email?.trim().toLowerCase() || null,
    orderName: payload.name?.trim() || null,
  };
}
