/**
 * The data the local shop keeps. Times are epoch milliseconds, money is integer cents in the
 * shop currency; resolvers turn them into the API's DateTime / MoneyV2 shapes.
 */

export interface ShopInfo {
  id: number;
  name: string;
  myshopifyDomain: string;
  email: string;
  contactEmail: string;
  currencyCode: string;
  ianaTimezone: string;
  timezoneAbbreviation: string;
  timezoneOffset: string;
  timezoneOffsetMinutes: number;
  plan: { publicDisplayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  createdAt: number;
  /** The storefront's primary domain (`https://…`); null: the myshopify.com domain. */
  primaryDomainUrl: string | null;
}

export type CustomerState = "ENABLED" | "DISABLED" | "INVITED" | "DECLINED";
export type EmailMarketingState = "NOT_SUBSCRIBED" | "SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING";

export interface CustomerRecord {
  id: number;
  /** `String(id)`: what Shopify's `legacyResourceId`, webhooks and app proxies use. */
  legacyResourceId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  note: string | null;
  state: CustomerState;
  locale: string;
  verifiedEmail: boolean;
  taxExempt: boolean;
  emailMarketingState: EmailMarketingState;
  /** SMS marketing consent of `phone` (Shopify's CustomerSmsMarketingState). */
  smsMarketingState: EmailMarketingState;
  createdAt: number;
  updatedAt: number;
  /** The customer's orders, oldest first (kept by the store). */
  orderIds: number[];
  /** The default shipping address; none when absent. */
  defaultAddress?: MailingAddressRecord | null;
}

export interface MailingAddressRecord {
  firstName: string | null;
  lastName: string | null;
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  zip: string;
  countryCode: string;
  phone: string | null;
}

export interface ProductVariantRecord {
  id: number;
  productId: number;
  /** "Default Title" for a product without options. */
  title: string;
  priceCents: number;
  sku: string | null;
}

export interface ProductRecord {
  id: number;
  title: string;
  variants: ProductVariantRecord[];
}

export type DraftOrderStatus = "OPEN" | "INVOICE_SENT" | "COMPLETED";

export interface DraftOrderLineItemRecord {
  id: number;
  variantId: number | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  unitPriceCents: number;
}

/** `DraftOrderAppliedDiscount`: value is a percentage (0–100) or an amount in cents. */
export interface DraftOrderDiscountRecord {
  valueType: "PERCENTAGE" | "FIXED_AMOUNT";
  value: number;
  title: string | null;
  description: string | null;
}

export interface DraftOrderRecord {
  id: number;
  /** "#D1", "#D2", … */
  name: string;
  customerId: number | null;
  email: string | null;
  lineItems: DraftOrderLineItemRecord[];
  appliedDiscount: DraftOrderDiscountRecord | null;
  shippingAddress: MailingAddressRecord | null;
  tags: string[];
  note: string | null;
  status: DraftOrderStatus;
  /** The order it became once completed. */
  orderId: number | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  /** The input as the app sent it, for assertions in tests. */
  input: Record<string, unknown>;
}

export interface LineItemRecord {
  id: number;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  unitPriceCents: number;
}

/** A discount code applied to an order and the amount it took off. */
export interface AppliedDiscountCode {
  code: string;
  amountCents: number;
}

export interface RefundRecord {
  id: number;
  createdAt: number;
  amountCents: number;
  note: string | null;
}

export type OrderCancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface OrderRecord {
  id: number;
  legacyResourceId: string;
  /** Order number, e.g. 1001; `name` is "#1001". */
  number: number;
  name: string;
  customerId: number | null;
  email: string | null;
  createdAt: number;
  processedAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: OrderCancelReason | null;
  closedAt: number | null;
  test: boolean;
  note: string | null;
  tags: string[];
  sourceName: string;
  lineItems: LineItemRecord[];
  discountCodes: AppliedDiscountCode[];
  shippingCents: number;
  taxCents: number;
  refunds: RefundRecord[];
  /** Set for orders the store fulfils step by step (completed draft orders). */
  fulfillmentStatus?: "UNFULFILLED" | "FULFILLED";
}

export interface DiscountValue {
  /** Fraction 0..1 (Shopify's `percentage` input), or a fixed amount. */
  percentage: number | null;
  amountCents: number | null;
  appliesOnEachItem: boolean;
}

export type MinimumRequirement =
  | { kind: "subtotal"; subtotalCents: number }
  | { kind: "quantity"; quantity: number }
  | null;

export type DiscountContextRecord =
  | { kind: "all" }
  | { kind: "customers"; customerIds: number[] };

export interface RedeemCodeRecord {
  id: number;
  code: string;
  createdAt: number;
}

/** A `DiscountCodeBasic` (the only code discount kind the local shop models). */
export interface CodeDiscountRecord {
  id: number;
  title: string;
  codes: RedeemCodeRecord[];
  startsAt: number;
  endsAt: number | null;
  value: DiscountValue;
  appliesOnOneTimePurchase: boolean;
  appliesOnSubscription: boolean;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  minimumRequirement: MinimumRequirement;
  appliesOncePerCustomer: boolean;
  usageLimit: number | null;
  recurringCycleLimit: number | null;
  context: DiscountContextRecord;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** The last input as the app sent it, for assertions in tests. */
  input: Record<string, unknown>;
}

export interface DiscountUserErrorRecord {
  field: string[] | null;
  message: string;
  code: string | null;
  extraInfo?: string | null;
}

export interface RedeemCodeBulkCreationRecord {
  id: number;
  discountId: number;
  createdAt: number;
  done: boolean;
  codes: { code: string; redeemCodeId: number | null; errors: DiscountUserErrorRecord[] }[];
}

/**
 * A background `Job` a mutation started (e.g. `discountCodeRedeemCodeBulkDelete`). Its work
 * runs a little later, then `done` turns true, as on Shopify.
 */
export interface JobRecord {
  /** UUID-shaped, as in Shopify's `gid://shopify/Job/<uuid>`. */
  id: string;
  /** The mutation that started it, for tests and logs. */
  startedBy: string;
  createdAt: number;
  done: boolean;
}

export interface StoreCreditTransactionRecord {
  id: number;
  kind: "credit" | "debit";
  amountCents: number;
  balanceAfterCents: number;
  createdAt: number;
  /** Recorded only: the local shop does not expire credit. */
  expiresAt: number | null;
}

/** A customer's store credit in one currency. */
export interface StoreCreditAccountRecord {
  id: number;
  customerId: number;
  currencyCode: string;
  balanceCents: number;
  transactions: StoreCreditTransactionRecord[];
}

export interface MetafieldRecord {
  id: number;
  ownerGid: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: number;
  updatedAt: number;
}

export type BulkOperationStatus =
  | "CANCELED"
  | "CANCELING"
  | "COMPLETED"
  | "CREATED"
  | "EXPIRED"
  | "FAILED"
  | "RUNNING";

export interface BulkOperationRecord {
  id: number;
  type: "QUERY";
  query: string;
  status: BulkOperationStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: number;
  completedAt: number | null;
  objectCount: number;
  rootObjectCount: number;
  /** The JSONL result, one entry per line (without the newline). */
  lines: string[];
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  cancelRequested: boolean;
  /** Why it failed, for tests and logs (Shopify only gives an errorCode). */
  failureMessages: string[];
}

export interface AccessTokenRecord {
  token: string;
  kind: "offline" | "online";
  scopes: string[];
  issuedAt: number;
  /** Wall-clock expiry (ms) or null for non-expiring offline tokens. */
  expiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  userId: number | null;
}

export interface FlowTriggerRecord {
  handle: string | null;
  payload: unknown;
  body: string | null;
  receivedAt: number;
}

export interface WebhookDeliveryRecord {
  topic: string;
  webhookId: string;
  url: string;
  status: number | null;
  error: string | null;
  sentAt: number;
}

/** Failures the fault injector can make a request suffer (see faults.ts). */
export type FaultKind = "throttled" | "http5xx" | "timeout" | "userErrors" | "networkReset";

/** Numbers the bench and tests read. */
export interface StoreStats {
  graphqlRequests: number;
  /** Real throttles (the leaky bucket ran dry); injected ones count in `faultsInjected`. */
  throttled: number;
  maxCostExceeded: number;
  /** Sum of actualQueryCost over executed requests. */
  pointsSpent: number;
  /** `Type.field` names the app asked for that the local shop does not implement. */
  unimplemented: string[];
  /** Requests an injected fault took, by kind. */
  faultsInjected: Record<FaultKind, number>;
}
