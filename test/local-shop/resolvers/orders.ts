import type { GraphQLResolveInfo } from "graphql";
import { gid, idOf } from "../ids";
import { moneyBag } from "../money";
import { financialStatus, orderAmounts } from "../order-amounts";
import type { LineItemRecord, OrderRecord, RefundRecord } from "../records";
import {
  booleanMatcher,
  compileSearchQuery,
  dateMatcher,
  numberMatcher,
  stringMatcher,
  stringMatches,
  tagMatcher,
  type SearchFilters,
} from "../search-query";
import type { LocalShopStore } from "../store";
import { countView, paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { badArgument } from "./errors";
import { customerView } from "./customers";
import { metafieldFields } from "./metafields";
import { isoTime, isoTimeOrNull } from "./time";

function lineItemView(record: LineItemRecord, currency: string) {
  const total = record.quantity * record.unitPriceCents;
  return {
    __typename: "LineItem",
    id: gid("LineItem", record.id),
    name: record.variantTitle ? `${record.title} - ${record.variantTitle}` : record.title,
    title: record.title,
    variantTitle: record.variantTitle,
    sku: record.sku,
    vendor: record.vendor,
    quantity: record.quantity,
    currentQuantity: record.quantity,
    isGiftCard: false,
    requiresShipping: true,
    taxable: true,
    originalUnitPriceSet: moneyBag(record.unitPriceCents, currency),
    originalTotalSet: moneyBag(total, currency),
    // Discount codes are applied at order level here, so line items carry no allocations.
    discountedUnitPriceSet: moneyBag(record.unitPriceCents, currency),
    discountedTotalSet: moneyBag(total, currency),
    totalDiscountSet: moneyBag(0, currency),
    discountAllocations: [],
  };
}

function refundView(record: RefundRecord, order: OrderRecord) {
  return {
    __typename: "Refund",
    id: gid("Refund", record.id),
    legacyResourceId: String(record.id),
    createdAt: isoTime(record.createdAt),
    processedAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.createdAt),
    note: record.note,
    totalRefundedSet: (_: unknown, context: ResolverContext) =>
      moneyBag(record.amountCents, context.store.shop.currencyCode),
    order: () => orderView(order),
  };
}

export function orderView(record: OrderRecord) {
  const amounts = () => orderAmounts(record);
  const money = (cents: (a: ReturnType<typeof orderAmounts>) => number) => (_: unknown, context: ResolverContext) =>
    moneyBag(cents(amounts()), context.store.shop.currencyCode);
  return {
    __typename: "Order",
    id: gid("Order", record.id),
    legacyResourceId: String(record.id),
    name: record.name,
    number: record.number,
    createdAt: isoTime(record.createdAt),
    processedAt: isoTime(record.processedAt),
    updatedAt: isoTime(record.updatedAt),
    cancelledAt: isoTimeOrNull(record.cancelledAt),
    cancelReason: record.cancelReason,
    closed: record.closedAt !== null,
    closedAt: isoTimeOrNull(record.closedAt),
    confirmed: true,
    test: record.test,
    email: record.email,
    phone: null,
    note: record.note,
    tags: record.tags,
    sourceName: record.sourceName,
    currencyCode: (_: unknown, context: ResolverContext) => context.store.shop.currencyCode,
    presentmentCurrencyCode: (_: unknown, context: ResolverContext) => context.store.shop.currencyCode,
    customer: (_: unknown, context: ResolverContext) => {
      const customer = record.customerId === null ? undefined : context.store.customer(record.customerId);
      return customer ? customerView(customer) : null;
    },
    discountCode: record.discountCodes[0]?.code ?? null,
    discountCodes: record.discountCodes.map((d) => d.code),
    displayFinancialStatus: () => financialStatus(record),
    displayFulfillmentStatus: record.fulfillmentStatus ?? (record.cancelledAt === null ? "FULFILLED" : "UNFULFILLED"),
    fullyPaid: true,
    unpaid: false,
    refundable: () => amounts().currentTotalCents > 0,
    taxesIncluded: false,
    taxExempt: false,
    customerAcceptsMarketing: false,
    subtotalLineItemsQuantity: () => amounts().quantity,
    currentSubtotalLineItemsQuantity: () => amounts().quantity,
    subtotalPriceSet: money((a) => a.subtotalCents),
    currentSubtotalPriceSet: money((a) => a.currentSubtotalCents),
    totalPriceSet: money((a) => a.totalCents),
    originalTotalPriceSet: money((a) => a.totalCents),
    currentTotalPriceSet: money((a) => a.currentTotalCents),
    totalDiscountsSet: money((a) => a.discountCents),
    currentTotalDiscountsSet: money((a) => a.currentDiscountCents),
    cartDiscountAmountSet: money((a) => a.discountCents),
    currentCartDiscountAmountSet: money((a) => a.currentDiscountCents),
    totalShippingPriceSet: money((a) => a.shippingCents),
    currentShippingPriceSet: money((a) => a.shippingCents),
    totalTaxSet: money((a) => a.taxCents),
    currentTotalTaxSet: money((a) => a.currentTaxCents),
    totalRefundedSet: money((a) => a.refundedCents),
    totalReceivedSet: money((a) => a.totalCents),
    netPaymentSet: money((a) => a.totalCents - a.refundedCents),
    totalOutstandingSet: money(() => 0),
    totalCapturableSet: money(() => 0),
    totalTipReceivedSet: money(() => 0),
    refunds: (args: { first?: number | null }) => {
      const refunds = args.first == null ? record.refunds : record.refunds.slice(0, args.first);
      return refunds.map((r) => refundView(r, record));
    },
    lineItems: (args: ConnectionArgs, context: ResolverContext, info: GraphQLResolveInfo) =>
      paginate(
        args.reverse ? [...record.lineItems].reverse() : record.lineItems,
        args,
        context,
        info,
        "LineItem",
        (li) => lineItemView(li, context.store.shop.currencyCode),
      ),
    ...metafieldFields(gid("Order", record.id)),
  };
}

function statusMatches(order: OrderRecord, value: string): boolean {
  switch (value.toLowerCase()) {
    case "any":
      return true;
    case "open":
      return order.closedAt === null && order.cancelledAt === null;
    case "closed":
      return order.closedAt !== null;
    case "cancelled":
    case "canceled":
      return order.cancelledAt !== null;
    case "not_closed":
      return order.closedAt === null;
    default:
      throw badArgument(`local shop: orders query status:${value} is not implemented`);
  }
}

export function orderFilters(store: LocalShopStore): SearchFilters<OrderRecord> {
  return {
    resource: "orders",
    fields: {
      id: numberMatcher((o) => o.id),
      name: (o, _c, value) => stringMatches(o.name, value) || stringMatches(String(o.number), value),
      created_at: dateMatcher((o) => o.createdAt),
      updated_at: dateMatcher((o) => o.updatedAt),
      processed_at: dateMatcher((o) => o.processedAt),
      customer_id: numberMatcher((o) => o.customerId),
      email: stringMatcher((o) => o.email),
      discount_code: (o, _c, value) => o.discountCodes.some((d) => stringMatches(d.code, value)),
      status: (o, _c, value) => statusMatches(o, value),
      financial_status: (o, _c, value) => financialStatus(o).toLowerCase() === value.toLowerCase(),
      tag: tagMatcher((o) => o.tags),
      tag_not: (o, comparator, value) => !tagMatcher<OrderRecord>((r) => r.tags)(o, comparator, value),
      test: booleanMatcher((o) => o.test),
      source_name: stringMatcher((o) => o.sourceName),
    },
    text: (o, value) =>
      stringMatches(o.name, value) ||
      stringMatches(o.email, value) ||
      (store.customer(o.customerId ?? -1)?.email ?? "").toLowerCase().includes(value.toLowerCase()),
  };
}

const ORDER_SORT_KEYS: Record<string, (o: OrderRecord) => number | string> = {
  ID: (o) => o.id,
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.processedAt,
  UPDATED_AT: (o) => o.updatedAt,
  ORDER_NUMBER: (o) => o.number,
  TOTAL_PRICE: (o) => orderAmounts(o).totalCents,
  CURRENT_TOTAL_PRICE: (o) => orderAmounts(o).currentTotalCents,
  FINANCIAL_STATUS: (o) => financialStatus(o),
  TOTAL_ITEMS_QUANTITY: (o) => orderAmounts(o).quantity,
  RELEVANCE: (o) => o.id,
};

/** The orders of `records` the app may see that match `query`. */
export function matchingOrders(store: LocalShopStore, records: Iterable<OrderRecord>, query: string | null | undefined) {
  const matches = compileSearchQuery(query, orderFilters(store));
  return [...records].filter((o) => store.isOrderVisible(o) && matches(o));
}

export function ordersConnection(
  records: Iterable<OrderRecord>,
  args: ConnectionArgs & { query?: string | null; sortKey?: string | null },
  context: ResolverContext,
  info: GraphQLResolveInfo,
) {
  const key = ORDER_SORT_KEYS[args.sortKey ?? "PROCESSED_AT"];
  if (!key) throw badArgument(`local shop: orders sortKey ${args.sortKey} is not implemented`);
  const sorted = sortRecords(matchingOrders(context.store, records, args.query), key, args.reverse);
  return paginate(sorted, args, context, info, "Order", orderView);
}

export const orderQueries = {
  orders: (
    args: ConnectionArgs & { query?: string | null; sortKey?: string | null; savedSearchId?: string | null },
    context: ResolverContext,
    info: GraphQLResolveInfo,
  ) => {
    if (args.savedSearchId) throw badArgument("local shop: orders savedSearchId is not implemented");
    return ordersConnection(context.store.orders, args, context, info);
  },
  order: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "Order");
    const record = id === undefined ? undefined : context.store.order(id);
    return record && context.store.isOrderVisible(record) ? orderView(record) : null;
  },
  ordersCount: (args: { query?: string | null; limit?: number | null }, context: ResolverContext) =>
    countView(matchingOrders(context.store, context.store.orders, args.query).length, args.limit),
};
