import type { GraphQLResolveInfo } from "graphql";
import { gid } from "../ids";
import { formatDecimal, moneyV2 } from "../money";
import { orderAmounts } from "../order-amounts";
import type {
  CodeDiscountRecord,
  DiscountContextRecord,
  DiscountUserErrorRecord,
  DiscountValue,
  MinimumRequirement,
  RedeemCodeBulkCreationRecord,
  RedeemCodeRecord,
} from "../records";
import { compileSearchQuery, stringMatcher, stringMatches, type SearchFilters } from "../search-query";
import type { LocalShopStore } from "../store";
import { countView, paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { notImplemented } from "./errors";
import { customerView } from "./customers";
import { metafieldFields } from "./metafields";
import { isoTime, isoTimeOrNull } from "./time";

/** How code discounts look in the API (DiscountCodeNode, DiscountCodeBasic, redeem codes). */

export function discountStatus(record: CodeDiscountRecord, now: number): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (now < record.startsAt) return "SCHEDULED";
  if (record.endsAt !== null && now >= record.endsAt) return "EXPIRED";
  return "ACTIVE";
}

/** Search over one discount's redeem codes: `code:ABC` (exact, case-insensitive) or bare words. */
export const REDEEM_CODE_FILTERS: SearchFilters<RedeemCodeRecord> = {
  resource: "discount codes",
  fields: { code: stringMatcher((c) => c.code) },
  text: (c, value) => stringMatches(c.code, value),
};

function redeemCodeView(record: RedeemCodeRecord) {
  return {
    __typename: "DiscountRedeemCode",
    id: gid("DiscountRedeemCode", record.id),
    code: record.code,
    asyncUsageCount: (_: unknown, context: ResolverContext) => context.store.ordersWithDiscountCode(record.code).length,
    createdBy: null,
  };
}

function summary(record: CodeDiscountRecord, currency: string): string {
  const { percentage, amountCents, appliesOnEachItem } = record.value;
  const off =
    percentage !== null
      ? `${Math.round(percentage * 10000) / 100}% off`
      : `${formatDecimal(amountCents ?? 0)} ${currency} off${appliesOnEachItem ? " each item" : ""}`;
  const minimum =
    record.minimumRequirement?.kind === "subtotal"
      ? ` • Minimum purchase of ${formatDecimal(record.minimumRequirement.subtotalCents)} ${currency}`
      : record.minimumRequirement?.kind === "quantity"
        ? ` • Minimum quantity of ${record.minimumRequirement.quantity} items`
        : "";
  return `${off} entire order${minimum}${record.appliesOncePerCustomer ? " • One use per customer" : ""}`;
}

function contextView(context: DiscountContextRecord, store: LocalShopStore) {
  if (context.kind === "all") return { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
  return {
    __typename: "DiscountCustomers",
    customers: context.customerIds
      .map((id) => store.customer(id))
      .filter((c) => c !== undefined)
      .map(customerView),
  };
}

function usedOrders(record: CodeDiscountRecord, store: LocalShopStore) {
  return record.codes.flatMap((c) => store.ordersWithDiscountCode(c.code));
}

export function discountCodeBasicView(record: CodeDiscountRecord) {
  return {
    __typename: "DiscountCodeBasic",
    title: record.title,
    status: (_: unknown, context: ResolverContext) => discountStatus(record, context.store.now()),
    startsAt: isoTime(record.startsAt),
    endsAt: isoTimeOrNull(record.endsAt),
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
    appliesOncePerCustomer: record.appliesOncePerCustomer,
    usageLimit: record.usageLimit,
    recurringCycleLimit: record.recurringCycleLimit,
    tags: record.tags,
    hasTimelineComment: false,
    shareableUrls: [],
    discountClass: "ORDER",
    discountClasses: ["ORDER"],
    asyncUsageCount: (_: unknown, context: ResolverContext) => usedOrders(record, context.store).length,
    totalSales: (_: unknown, context: ResolverContext) =>
      moneyV2(
        usedOrders(record, context.store).reduce((sum, o) => sum + orderAmounts(o).currentTotalCents, 0),
        context.store.shop.currencyCode,
      ),
    summary: (_: unknown, context: ResolverContext) => summary(record, context.store.shop.currencyCode),
    shortSummary: (_: unknown, context: ResolverContext) =>
      summary(record, context.store.shop.currencyCode).split(" • ")[0],
    codes: (
      args: ConnectionArgs & { query?: string | null; sortKey?: string | null; savedSearchId?: string | null },
      context: ResolverContext,
      info: GraphQLResolveInfo,
    ) => {
      if (args.savedSearchId) throw notImplemented("DiscountCodeBasic.codes(savedSearchId:)");
      const matches = compileSearchQuery(args.query, REDEEM_CODE_FILTERS);
      const sortKey = args.sortKey ?? "ID";
      const key =
        sortKey === "CODE" ? (c: RedeemCodeRecord) => c.code.toLowerCase()
        : sortKey === "CREATED_AT" ? (c: RedeemCodeRecord) => c.createdAt
        : (c: RedeemCodeRecord) => c.id;
      return paginate(
        sortRecords(record.codes.filter(matches), key, args.reverse),
        args,
        context,
        info,
        "DiscountRedeemCode",
        redeemCodeView,
      );
    },
    codesCount: countView(record.codes.length, null),
    customerGets: (_: unknown, context: ResolverContext) => ({
      __typename: "DiscountCustomerGets",
      appliesOnOneTimePurchase: record.appliesOnOneTimePurchase,
      appliesOnSubscription: record.appliesOnSubscription,
      items: { __typename: "AllDiscountItems", allItems: true },
      value: valueView(record.value, context.store.shop.currencyCode),
    }),
    combinesWith: {
      __typename: "DiscountCombinesWith",
      ...record.combinesWith,
      productDiscountsWithTagsOnSameCartLine: null,
    },
    minimumRequirement: (_: unknown, context: ResolverContext) => minimumView(record.minimumRequirement, context.store),
    context: (_: unknown, context: ResolverContext) => contextView(record.context, context.store),
    customerSelection: (_: unknown, context: ResolverContext) =>
      record.context.kind === "all"
        ? { __typename: "DiscountCustomerAll", allCustomers: true }
        : contextView(record.context, context.store),
  };
}

function valueView(value: DiscountValue, currency: string) {
  if (value.percentage !== null) return { __typename: "DiscountPercentage", percentage: value.percentage };
  return {
    __typename: "DiscountAmount",
    amount: moneyV2(value.amountCents ?? 0, currency),
    appliesOnEachItem: value.appliesOnEachItem,
  };
}

function minimumView(minimum: MinimumRequirement, store: LocalShopStore) {
  if (minimum === null) return null;
  if (minimum.kind === "subtotal") {
    return {
      __typename: "DiscountMinimumSubtotal",
      greaterThanOrEqualToSubtotal: moneyV2(minimum.subtotalCents, store.shop.currencyCode),
    };
  }
  return { __typename: "DiscountMinimumQuantity", greaterThanOrEqualToQuantity: String(minimum.quantity) };
}

export function discountCodeNodeView(record: CodeDiscountRecord) {
  const id = gid("DiscountCodeNode", record.id);
  return {
    __typename: "DiscountCodeNode",
    id,
    codeDiscount: discountCodeBasicView(record),
    ...metafieldFields(id),
  };
}

/** `discountNode(id)` wraps the same discount in the `Discount` union. */
export function discountNodeView(record: CodeDiscountRecord) {
  const id = gid("DiscountCodeNode", record.id);
  return { __typename: "DiscountNode", id, discount: discountCodeBasicView(record), ...metafieldFields(id) };
}

export function discountUserErrorView(error: DiscountUserErrorRecord) {
  return { __typename: "DiscountUserError", extraInfo: null, ...error };
}

export function redeemCodeBulkCreationView(record: RedeemCodeBulkCreationRecord) {
  const imported = () => record.codes.filter((c) => c.redeemCodeId !== null).length;
  return {
    __typename: "DiscountRedeemCodeBulkCreation",
    id: gid("DiscountRedeemCodeBulkCreation", record.id),
    createdAt: isoTime(record.createdAt),
    done: record.done,
    codesCount: record.codes.length,
    importedCount: () => (record.done ? imported() : 0),
    failedCount: () => (record.done ? record.codes.length - imported() : 0),
    discountCode: (_: unknown, context: ResolverContext) => {
      const discount = context.store.discount(record.discountId);
      return discount ? discountCodeNodeView(discount) : null;
    },
    codes: (args: ConnectionArgs, context: ResolverContext, info: GraphQLResolveInfo) =>
      paginate(
        record.codes.map((c, index) => ({ ...c, id: index + 1 })),
        args,
        context,
        info,
        "DiscountRedeemCodeBulkCreationCode",
        (c) => ({
          __typename: "DiscountRedeemCodeBulkCreationCode",
          code: c.code,
          // Results only exist once the creation is done, as on Shopify.
          errors: record.done ? c.errors.map(discountUserErrorView) : [],
          discountRedeemCode: () => {
            if (!record.done || c.redeemCodeId === null) return null;
            const code = context.store.discount(record.discountId)?.codes.find((r) => r.id === c.redeemCodeId);
            return code ? redeemCodeView(code) : null;
          },
        }),
      ),
  };
}

