import crypto from "node:crypto";
import { orderAmounts } from "./order-amounts";
import type {
  AccessTokenRecord,
  BulkOperationRecord,
  CodeDiscountRecord,
  CustomerRecord,
  DraftOrderDiscountRecord,
  DraftOrderRecord,
  FlowTriggerRecord,
  JobRecord,
  LineItemRecord,
  MailingAddressRecord,
  MetafieldRecord,
  OrderCancelReason,
  OrderRecord,
  ProductRecord,
  ProductVariantRecord,
  RedeemCodeBulkCreationRecord,
  RedeemCodeRecord,
  RefundRecord,
  ShopInfo,
  StoreCreditAccountRecord,
  StoreStats,
  WebhookDeliveryRecord,
} from "./records";

export type Clock = () => number;

/** How long Shopify shows orders to apps without `read_all_orders`. */
export const RECENT_ORDERS_WINDOW_MS = 60 * 24 * 60 * 60 * 1000;

export const DEFAULT_GRANTED_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "read_all_orders",
  "read_discounts",
  "write_discounts",
];

export interface StoreOptions {
  shopDomain: string;
  now: Clock;
  grantedScopes: string[];
  shopName?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  email?: string;
  /** The storefront's primary domain, e.g. a storefront preview's URL. */
  primaryDomainUrl?: string;
}

export type NewCustomer = Partial<Omit<CustomerRecord, "id" | "legacyResourceId" | "orderIds">>;

export interface NewLineItem {
  title: string;
  quantity: number;
  unitPriceCents: number;
  variantTitle?: string | null;
  sku?: string | null;
  vendor?: string | null;
}

export interface NewOrder {
  customerId?: number | null;
  email?: string | null;
  createdAt?: number;
  lineItems: NewLineItem[];
  discountCodes?: { code: string; amountCents: number }[];
  shippingCents?: number;
  taxCents?: number;
  tags?: string[];
  test?: boolean;
  note?: string | null;
  sourceName?: string;
}

/** First ids per kind: Shopify ids are large and grow over time; ours only grow. */
const FIRST_IDS = {
  Customer: 7_400_000_000_001,
  Order: 5_600_000_000_001,
  LineItem: 14_000_000_000_001,
  Refund: 900_000_001,
  DiscountCodeNode: 1_200_000_001,
  DiscountRedeemCode: 17_000_000_001,
  DiscountRedeemCodeBulkCreation: 8_000_001,
  BulkOperation: 3_400_000_001,
  Metafield: 26_000_000_001,
  StoreCreditAccount: 9_100_000_001,
  StoreCreditAccountTransaction: 9_500_000_001,
  Product: 8_100_000_001,
  ProductVariant: 46_000_000_001,
  DraftOrder: 1_100_000_001,
  DraftOrderLineItem: 58_000_000_001,
} as const;

type IdKind = keyof typeof FIRST_IDS;

/** Tags as Shopify stores them: trimmed, unique (case-insensitively), in the order given. */
export function normalizeTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of tags.flatMap((t) => t.split(","))) {
    const tag = raw.trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      result.push(tag);
    }
  }
  return result;
}

/** In-memory state of ONE shop. Tests and the demo may read and change it directly. */
export class LocalShopStore {
  readonly shop: ShopInfo;
  readonly now: Clock;
  /** The app's id: metafields without a namespace live in `app--<appId>` ("$app"). */
  readonly appId = 4_200_000_001;
  grantedScopes: string[];

  /** In creation order (= id order). Look up by id with `customer(id)` etc. */
  readonly customers: CustomerRecord[] = [];
  readonly orders: OrderRecord[] = [];
  readonly discounts: CodeDiscountRecord[] = [];
  readonly storeCreditAccounts: StoreCreditAccountRecord[] = [];
  readonly redeemCodeBulkCreations = new Map<number, RedeemCodeBulkCreationRecord>();
  /** Background jobs by their UUID. */
  readonly jobs = new Map<string, JobRecord>();
  readonly metafields = new Map<string, MetafieldRecord[]>();
  readonly bulkOperations = new Map<number, BulkOperationRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly flowTriggers: FlowTriggerRecord[] = [];
  readonly products: ProductRecord[] = [];
  readonly draftOrders: DraftOrderRecord[] = [];
  readonly webhookDeliveries: WebhookDeliveryRecord[] = [];
  readonly stats: StoreStats = {
    graphqlRequests: 0,
    throttled: 0,
    maxCostExceeded: 0,
    pointsSpent: 0,
    unimplemented: [],
    faultsInjected: { throttled: 0, http5xx: 0, timeout: 0, userErrors: 0, networkReset: 0 },
  };

  private readonly customersById = new Map<number, CustomerRecord>();
  private readonly ordersById = new Map<number, OrderRecord>();
  private readonly discountsById = new Map<number, CodeDiscountRecord>();
  private readonly ordersByDiscountCode = new Map<string, OrderRecord[]>();
  private readonly redeemCodesByCode = new Map<string, { discountId: number; code: RedeemCodeRecord }>();
  private readonly nextIds = new Map<IdKind, number>();
  private nextOrderNumber = 1001;
  private nextJobNumber = 1;

  constructor(options: StoreOptions) {
    this.now = options.now;
    this.grantedScopes = [...options.grantedScopes];
    const handle = options.shopDomain.replace(/\.myshopify\.com$/, "");
    this.shop = {
      id: 68_000_000_001,
      name: options.shopName ?? handle.replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      myshopifyDomain: options.shopDomain,
      email: options.email ?? `owner@${handle}.example.com`,
      contactEmail: options.email ?? `owner@${handle}.example.com`,
      currencyCode: options.currencyCode ?? "USD",
      ianaTimezone: options.ianaTimezone ?? "America/New_York",
      timezoneAbbreviation: "EST",
      timezoneOffset: "-0500",
      timezoneOffsetMinutes: -300,
      plan: { publicDisplayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
      createdAt: this.now() - 3 * 365 * 24 * 60 * 60 * 1000,
      primaryDomainUrl: options.primaryDomainUrl ?? null,
    };
  }

  customer(id: number): CustomerRecord | undefined {
    return this.customersById.get(id);
  }

  order(id: number): OrderRecord | undefined {
    return this.ordersById.get(id);
  }

  discount(id: number): CodeDiscountRecord | undefined {
    return this.discountsById.get(id);
  }

  nextId(kind: IdKind): number {
    const id = this.nextIds.get(kind) ?? FIRST_IDS[kind];
    this.nextIds.set(kind, id + 1);
    return id;
  }

  // ---- scopes -------------------------------------------------------------------------

  /** True when a granted scope gives `scope` (write_X implies read_X, as on Shopify). */
  hasScope(scope: string): boolean {
    if (this.grantedScopes.includes(scope)) return true;
    return scope.startsWith("read_") && this.grantedScopes.includes(`write_${scope.slice(5)}`);
  }

  /** Without `read_all_orders`, apps only see orders of the last 60 days. */
  isOrderVisible(order: OrderRecord): boolean {
    return this.hasScope("read_all_orders") || order.createdAt >= this.now() - RECENT_ORDERS_WINDOW_MS;
  }

  visibleOrders(): OrderRecord[] {
    return this.orders.filter((o) => this.isOrderVisible(o));
  }

  // ---- customers ----------------------------------------------------------------------

  addCustomer(input: NewCustomer = {}): CustomerRecord {
    const createdAt = input.createdAt ?? this.now();
    const id = this.nextId("Customer");
    const customer: CustomerRecord = {
      id,
      legacyResourceId: String(id),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      tags: normalizeTags(input.tags ?? []),
      note: input.note ?? null,
      state: input.state ?? "ENABLED",
      locale: input.locale ?? "en",
      verifiedEmail: input.verifiedEmail ?? true,
      taxExempt: input.taxExempt ?? false,
      emailMarketingState: input.emailMarketingState ?? "NOT_SUBSCRIBED",
      smsMarketingState: input.smsMarketingState ?? "NOT_SUBSCRIBED",
      createdAt,
      updatedAt: input.updatedAt ?? createdAt,
      orderIds: [],
      defaultAddress: input.defaultAddress ?? null,
    };
    this.customers.push(customer);
    this.customersById.set(customer.id, customer);
    return customer;
  }

  /** All orders of a customer, oldest first (regardless of read_all_orders). */
  ordersOf(customerId: number): OrderRecord[] {
    return (this.customer(customerId)?.orderIds ?? []).map((id) => this.ordersById.get(id)!);
  }

  /**
   * A customer's statistics as Shopify keeps them: `numberOfOrders` counts every order,
   * cancelled ones included; `amountSpent` sums what is left of each order after refunds.
   */
  customerStats(customerId: number): {
    numberOfOrders: number;
    amountSpentCents: number;
    lastOrder: OrderRecord | null;
  } {
    const orders = this.ordersOf(customerId);
    return {
      numberOfOrders: orders.length,
      amountSpentCents: orders
        .filter((o) => !o.test)
        .reduce((sum, o) => sum + orderAmounts(o).currentTotalCents, 0),
      lastOrder: orders.length ? orders[orders.length - 1] : null,
    };
  }

  // ---- orders -------------------------------------------------------------------------

  addOrder(input: NewOrder): OrderRecord {
    const customer = input.customerId != null ? this.customer(input.customerId) : undefined;
    if (input.customerId != null && !customer) {
      throw new Error(`local shop: addOrder: no customer ${input.customerId}`);
    }
    const createdAt = input.createdAt ?? this.now();
    const number = this.nextOrderNumber++;
    const lineItems: LineItemRecord[] = input.lineItems.map((li) => ({
      id: this.nextId("LineItem"),
      title: li.title,
      variantTitle: li.variantTitle ?? null,
      sku: li.sku ?? null,
      vendor: li.vendor ?? null,
      quantity: li.quantity,
      unitPriceCents: li.unitPriceCents,
    }));
    const id = this.nextId("Order");
    const order: OrderRecord = {
      id,
      legacyResourceId: String(id),
      number,
      name: `#${number}`,
      customerId: customer?.id ?? null,
      email: input.email !== undefined ? input.email : (customer?.email ?? null),
      createdAt,
      processedAt: createdAt,
      updatedAt: createdAt,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      test: input.test ?? false,
      note: input.note ?? null,
      tags: normalizeTags(input.tags ?? []),
      sourceName: input.sourceName ?? "web",
      lineItems,
      discountCodes: (input.discountCodes ?? []).map((d) => ({ ...d })),
      shippingCents: input.shippingCents ?? 0,
      taxCents: input.taxCents ?? 0,
      refunds: [],
    };
    this.orders.push(order);
    this.ordersById.set(order.id, order);
    if (customer) {
      customer.orderIds.push(order.id);
      const createdAtOf = (orderId: number) => this.ordersById.get(orderId)!.createdAt;
      customer.orderIds.sort((a, b) => createdAtOf(a) - createdAtOf(b) || a - b);
      // A new order changes the customer's statistics, so Shopify bumps updated_at.
      customer.updatedAt = Math.max(customer.updatedAt, createdAt);
    }
    for (const { code } of order.discountCodes) {
      const key = code.toLowerCase();
      this.ordersByDiscountCode.set(key, [...(this.ordersByDiscountCode.get(key) ?? []), order]);
    }
    return order;
  }

  /** Refunds part of an order (default: all that is left). */
  addRefund(orderId: number, input: { amountCents?: number; createdAt?: number; note?: string | null } = {}): RefundRecord {
    const order = this.requireOrder(orderId);
    const left = orderAmounts(order).currentTotalCents;
    const amountCents = input.amountCents ?? left;
    if (amountCents <= 0 || amountCents > left) {
      throw new Error(`local shop: refund of ${amountCents} cents exceeds the ${left} cents left on ${order.name}`);
    }
    const refund: RefundRecord = {
      id: this.nextId("Refund"),
      createdAt: input.createdAt ?? this.now(),
      amountCents,
      note: input.note ?? null,
    };
    order.refunds.push(refund);
    this.touchOrder(order, refund.createdAt);
    return refund;
  }

  /** Cancels an order; by default refunds what is left, as the admin does. */
  cancelOrder(
    orderId: number,
    input: { reason?: OrderCancelReason; at?: number; refund?: boolean } = {},
  ): OrderRecord {
    const order = this.requireOrder(orderId);
    const at = input.at ?? this.now();
    order.cancelledAt = at;
    order.cancelReason = input.reason ?? "CUSTOMER";
    order.closedAt = at;
    if ((input.refund ?? true) && orderAmounts(order).currentTotalCents > 0) {
      this.addRefund(orderId, { createdAt: at, note: "Order canceled" });
    }
    this.touchOrder(order, at);
    return order;
  }

  ordersWithDiscountCode(code: string): OrderRecord[] {
    return this.ordersByDiscountCode.get(code.toLowerCase()) ?? [];
  }

  requireOrder(orderId: number): OrderRecord {
    const order = this.ordersById.get(orderId);
    if (!order) throw new Error(`local shop: no order ${orderId}`);
    return order;
  }

  private touchOrder(order: OrderRecord, at: number): void {
    order.updatedAt = Math.max(order.updatedAt, at);
    const customer = order.customerId != null ? this.customer(order.customerId) : undefined;
    if (customer) customer.updatedAt = Math.max(customer.updatedAt, at);
  }

  // ---- discounts ----------------------------------------------------------------------

  /** Finds a redeem code across all discounts, case-insensitively (codes are unique per shop). */
  findRedeemCode(code: string): { discount: CodeDiscountRecord; code: RedeemCodeRecord } | undefined {
    const hit = this.redeemCodesByCode.get(code.trim().toLowerCase());
    const discount = hit && this.discountsById.get(hit.discountId);
    return hit && discount ? { discount, code: hit.code } : undefined;
  }

  addCodeDiscount(record: Omit<CodeDiscountRecord, "id" | "codes">, codes: string[]): CodeDiscountRecord {
    const discount: CodeDiscountRecord = { ...record, id: this.nextId("DiscountCodeNode"), codes: [] };
    this.discounts.push(discount);
    this.discountsById.set(discount.id, discount);
    for (const code of codes) this.addRedeemCode(discount.id, code);
    return discount;
  }

  /** Deletes a discount and frees its codes, as the merchant can in Shopify admin. */
  deleteCodeDiscount(id: number): boolean {
    const discount = this.discountsById.get(id);
    if (!discount) return false;
    for (const code of discount.codes.slice()) this.removeRedeemCode(id, code.id);
    this.discounts.splice(this.discounts.indexOf(discount), 1);
    this.discountsById.delete(id);
    return true;
  }

  /** Adds a code to a discount; throws when the code is taken (callers check first). */
  addRedeemCode(discountId: number, code: string): RedeemCodeRecord {
    const discount = this.discountsById.get(discountId);
    if (!discount) throw new Error(`local shop: no discount ${discountId}`);
    const key = code.trim().toLowerCase();
    if (this.redeemCodesByCode.has(key)) throw new Error(`local shop: code ${code} is taken`);
    const record: RedeemCodeRecord = { id: this.nextId("DiscountRedeemCode"), code: code.trim(), createdAt: this.now() };
    discount.codes.push(record);
    this.redeemCodesByCode.set(key, { discountId, code: record });
    return record;
  }

  /** Removes a code from its discount; the code is then free for any discount again. */
  removeRedeemCode(discountId: number, codeId: number): boolean {
    const discount = this.discountsById.get(discountId);
    const index = discount ? discount.codes.findIndex((c) => c.id === codeId) : -1;
    if (!discount || index === -1) return false;
    const [record] = discount.codes.splice(index, 1);
    const key = record.code.toLowerCase();
    if (this.redeemCodesByCode.get(key)?.code === record) this.redeemCodesByCode.delete(key);
    return true;
  }

  renameRedeemCode(discountId: number, record: RedeemCodeRecord, code: string): void {
    this.redeemCodesByCode.delete(record.code.toLowerCase());
    record.code = code.trim();
    this.redeemCodesByCode.set(record.code.toLowerCase(), { discountId, code: record });
  }

  // ---- jobs ---------------------------------------------------------------------------

  /** A new, not yet done job. Ids are UUID-shaped like Shopify's but counted, so runs repeat. */
  addJob(startedBy: string): JobRecord {
    const id = `00000000-0000-4000-8000-${(this.nextJobNumber++).toString(16).padStart(12, "0")}`;
    const job: JobRecord = { id, startedBy, createdAt: this.now(), done: false };
    this.jobs.set(id, job);
    return job;
  }

  // ---- store credit -------------------------------------------------------------------

  storeCreditAccount(id: number): StoreCreditAccountRecord | undefined {
    return this.storeCreditAccounts.find((a) => a.id === id);
  }

  storeCreditAccountsOf(customerId: number): StoreCreditAccountRecord[] {
    return this.storeCreditAccounts.filter((a) => a.customerId === customerId);
  }

  /** Credits (positive) or debits (negative) an account; the caller validates first. */
  addStoreCreditTransaction(
    account: StoreCreditAccountRecord,
    kind: "credit" | "debit",
    amountCents: number,
    expiresAt: number | null = null,
  ) {
    account.balanceCents += kind === "credit" ? amountCents : -amountCents;
    const transaction = {
      id: this.nextId("StoreCreditAccountTransaction"),
      kind,
      amountCents,
      balanceAfterCents: account.balanceCents,
      createdAt: this.now(),
      expiresAt,
    };
    account.transactions.push(transaction);
    return transaction;
  }

  openStoreCreditAccount(customerId: number, currencyCode: string): StoreCreditAccountRecord {
    const account: StoreCreditAccountRecord = {
      id: this.nextId("StoreCreditAccount"),
      customerId,
      currencyCode,
      balanceCents: 0,
      transactions: [],
    };
    this.storeCreditAccounts.push(account);
    return account;
  }

  // ---- metafields ---------------------------------------------------------------------

  metafieldsOf(ownerGid: string): MetafieldRecord[] {
    return this.metafields.get(ownerGid) ?? [];
  }

  findMetafield(ownerGid: string, namespace: string, key: string): MetafieldRecord | undefined {
    return this.metafieldsOf(ownerGid).find((m) => m.namespace === namespace && m.key === key);
  }

  /** Deletes a metafield; false when there was none. */
  deleteMetafield(ownerGid: string, namespace: string, key: string): boolean {
    const all = this.metafieldsOf(ownerGid);
    const kept = all.filter((m) => !(m.namespace === namespace && m.key === key));
    if (kept.length === all.length) return false;
    this.metafields.set(ownerGid, kept);
    return true;
  }

  setMetafield(input: { ownerGid: string; namespace: string; key: string; type: string; value: string }): MetafieldRecord {
    const existing = this.findMetafield(input.ownerGid, input.namespace, input.key);
    const at = this.now();
    if (existing) {
      existing.value = input.value;
      existing.type = input.type;
      existing.updatedAt = at;
      return existing;
    }
    const record: MetafieldRecord = { ...input, id: this.nextId("Metafield"), createdAt: at, updatedAt: at };
    this.metafields.set(input.ownerGid, [...this.metafieldsOf(input.ownerGid), record]);
    return record;
  }

  // ---- access tokens ------------------------------------------------------------------

  /** Issues an Admin API access token (what the OAuth endpoint hands out). */
  issueAccessToken(
    input: {
      kind?: "offline" | "online";
      token?: string;
      expiresInSeconds?: number | null;
      withRefreshToken?: boolean;
      userId?: number | null;
    } = {},
  ): AccessTokenRecord {
    const kind = input.kind ?? "offline";
    const issuedAt = Date.now();
    const expiresIn = input.expiresInSeconds ?? null;
    const record: AccessTokenRecord = {
      token: input.token ?? `${kind === "offline" ? "shpat" : "shpua"}_${crypto.randomBytes(16).toString("hex")}`,
      kind,
      scopes: [...this.grantedScopes],
      issuedAt,
      expiresAt: expiresIn === null ? null : issuedAt + expiresIn * 1000,
      refreshToken: input.withRefreshToken ? `shprt_${crypto.randomBytes(16).toString("hex")}` : null,
      refreshTokenExpiresAt: input.withRefreshToken ? issuedAt + 90 * 24 * 60 * 60 * 1000 : null,
      userId: input.userId ?? null,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  /** A valid (issued, unexpired — by the wall clock, like the JWTs) access token, or undefined. */
  // ---- products and draft orders ------------------------------------------------------

  addProduct(input: { title: string; variants: Array<{ title?: string; priceCents: number; sku?: string | null }> }): ProductRecord {
    const id = this.nextId("Product");
    const product: ProductRecord = {
      id,
      title: input.title,
      variants: input.variants.map((v) => ({
        id: this.nextId("ProductVariant"),
        productId: id,
        title: v.title ?? "Default Title",
        priceCents: v.priceCents,
        sku: v.sku ?? null,
      })),
    };
    this.products.push(product);
    return product;
  }

  /** Deletes a product and its variants (as the merchant can in admin). */
  deleteProduct(id: number): boolean {
    const index = this.products.findIndex((p) => p.id === id);
    if (index < 0) return false;
    this.products.splice(index, 1);
    return true;
  }

  variant(id: number): { product: ProductRecord; variant: ProductVariantRecord } | undefined {
    for (const product of this.products) {
      const variant = product.variants.find((v) => v.id === id);
      if (variant) return { product, variant };
    }
    return undefined;
  }

  draftOrder(id: number): DraftOrderRecord | undefined {
    return this.draftOrders.find((d) => d.id === id);
  }

  addDraftOrder(input: {
    customerId: number | null;
    email: string | null;
    lineItems: Array<{ variantId: number | null; title: string; variantTitle: string | null; quantity: number; unitPriceCents: number }>;
    appliedDiscount: DraftOrderDiscountRecord | null;
    shippingAddress: MailingAddressRecord | null;
    tags: string[];
    note: string | null;
    input: Record<string, unknown>;
  }): DraftOrderRecord {
    const at = this.now();
    const record: DraftOrderRecord = {
      id: this.nextId("DraftOrder"),
      name: `#D${this.draftOrders.length + 1}`,
      customerId: input.customerId,
      email: input.email,
      lineItems: input.lineItems.map((li) => ({ id: this.nextId("DraftOrderLineItem"), ...li })),
      appliedDiscount: input.appliedDiscount,
      shippingAddress: input.shippingAddress,
      tags: normalizeTags(input.tags),
      note: input.note,
      status: "OPEN",
      orderId: null,
      createdAt: at,
      updatedAt: at,
      completedAt: null,
      input: input.input,
    };
    this.draftOrders.push(record);
    return record;
  }

  /** What the draft order's lines come to after its order-level discount, in cents. */
  draftOrderTotalCents(record: DraftOrderRecord): number {
    const subtotal = record.lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0);
    const discount = record.appliedDiscount;
    if (!discount) return subtotal;
    const off = discount.valueType === "PERCENTAGE" ? Math.round((subtotal * discount.value) / 100) : Math.round(discount.value * 100);
    return Math.max(0, subtotal - off);
  }

  /**
   * The merchant completes a draft order (marked as paid): it becomes an unfulfilled order
   * with the draft's lines at the price the discount leaves.
   */
  completeDraftOrder(id: number): OrderRecord {
    const record = this.draftOrder(id);
    if (!record) throw new Error(`local shop: no draft order ${id}`);
    if (record.status === "COMPLETED") throw new Error(`local shop: draft order ${id} is completed already`);
    const subtotal = record.lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0);
    const share = subtotal === 0 ? 0 : this.draftOrderTotalCents(record) / subtotal;
    const order = this.addOrder({
      customerId: record.customerId,
      email: record.email,
      lineItems: record.lineItems.map((li) => ({
        title: li.title,
        variantTitle: li.variantTitle,
        quantity: li.quantity,
        unitPriceCents: Math.round(li.unitPriceCents * share),
      })),
      tags: record.tags,
      note: record.note,
      sourceName: "shopify_draft_order",
    });
    order.fulfillmentStatus = "UNFULFILLED";
    record.status = "COMPLETED";
    record.orderId = order.id;
    record.completedAt = this.now();
    record.updatedAt = record.completedAt;
    return order;
  }

  /** The merchant ships an order in full. */
  fulfillOrder(orderId: number): void {
    const order = this.requireOrder(orderId);
    order.fulfillmentStatus = "FULFILLED";
    order.updatedAt = Math.max(order.updatedAt, this.now());
  }

  findAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return undefined;
    return record;
  }

  recordUnimplemented(name: string): void {
    if (!this.stats.unimplemented.includes(name)) this.stats.unimplemented.push(name);
  }
}
