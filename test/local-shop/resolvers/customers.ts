import type { GraphQLResolveInfo } from "graphql";
import { gid, idOf } from "../ids";
import { moneyV2 } from "../money";
import type { CustomerRecord } from "../records";
import {
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
import { metafieldFields } from "./metafields";
import { ordersConnection, orderView } from "./orders";
import { customerStoreCreditAccounts } from "./store-credit";
import { isoTime } from "./time";

function displayName(c: CustomerRecord): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || c.email || c.phone || "";
}

export function customerView(record: CustomerRecord) {
  const id = gid("Customer", record.id);
  return {
    __typename: "Customer",
    id,
    legacyResourceId: String(record.id),
    firstName: record.firstName,
    lastName: record.lastName,
    displayName: displayName(record),
    email: record.email,
    phone: record.phone,
    defaultEmailAddress: record.email
      ? {
          __typename: "CustomerEmailAddress",
          emailAddress: record.email,
          marketingState: record.emailMarketingState,
          marketingOptInLevel: record.emailMarketingState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
          marketingUpdatedAt: null,
          validFormat: true,
          openTrackingLevel: "UNKNOWN",
        }
      : null,
    defaultPhoneNumber: record.phone
      ? {
          __typename: "CustomerPhoneNumber",
          phoneNumber: record.phone,
          marketingState: record.smsMarketingState,
          marketingOptInLevel: record.smsMarketingState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
          marketingUpdatedAt: null,
        }
      : null,
    note: record.note,
    tags: record.tags,
    state: record.state,
    locale: record.locale,
    verifiedEmail: record.verifiedEmail,
    validEmailAddress: record.email !== null,
    taxExempt: record.taxExempt,
    dataSaleOptOut: false,
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
    canDelete: (_: unknown, context: ResolverContext) => context.store.ordersOf(record.id).length === 0,
    numberOfOrders: (_: unknown, context: ResolverContext) =>
      String(context.store.customerStats(record.id).numberOfOrders),
    amountSpent: (_: unknown, context: ResolverContext) =>
      moneyV2(context.store.customerStats(record.id).amountSpentCents, context.store.shop.currencyCode),
    lastOrder: (_: unknown, context: ResolverContext) => {
      const visible = context.store.ordersOf(record.id).filter((o) => context.store.isOrderVisible(o));
      return visible.length ? orderView(visible[visible.length - 1]) : null;
    },
    orders: (args: OrdersArgs, context: ResolverContext, info: GraphQLResolveInfo) =>
      ordersConnection(context.store.ordersOf(record.id), { sortKey: "ID", ...args }, context, info),
    storeCreditAccounts: customerStoreCreditAccounts(record.id),
    ...metafieldFields(id),
  };
}

type OrdersArgs = ConnectionArgs & { query?: string | null; sortKey?: string | null };

export function customerFilters(store: LocalShopStore): SearchFilters<CustomerRecord> {
  const stats = (c: CustomerRecord) => store.customerStats(c.id);
  return {
    resource: "customers",
    fields: {
      id: numberMatcher((c) => c.id),
      email: stringMatcher((c) => c.email),
      first_name: stringMatcher((c) => c.firstName),
      last_name: stringMatcher((c) => c.lastName),
      phone: stringMatcher((c) => c.phone),
      state: stringMatcher((c) => c.state),
      tag: tagMatcher((c) => c.tags),
      tag_not: (c, comparator, value) => !tagMatcher<CustomerRecord>((r) => r.tags)(c, comparator, value),
      created_at: dateMatcher((c) => c.createdAt),
      updated_at: dateMatcher((c) => c.updatedAt),
      customer_date: dateMatcher((c) => c.createdAt),
      orders_count: numberMatcher((c) => stats(c).numberOfOrders),
      number_of_orders: numberMatcher((c) => stats(c).numberOfOrders),
      amount_spent: numberMatcher((c) => stats(c).amountSpentCents / 100),
      total_spent: numberMatcher((c) => stats(c).amountSpentCents / 100),
      last_order_date: dateMatcher((c) => stats(c).lastOrder?.createdAt ?? null),
      accepts_marketing: (c, _comparator, value) =>
        (c.emailMarketingState === "SUBSCRIBED") === (value.toLowerCase() === "true"),
    },
    text: (c, value) =>
      [c.firstName, c.lastName, c.email, displayName(c)].some(
        (field) => field !== null && (stringMatches(field, value) || field.toLowerCase().includes(value.toLowerCase())),
      ),
  };
}

const CUSTOMER_SORT_KEYS: Record<string, (c: CustomerRecord) => number | string> = {
  ID: (c) => c.id,
  CREATED_AT: (c) => c.createdAt,
  UPDATED_AT: (c) => c.updatedAt,
  NAME: (c) => displayName(c).toLowerCase(),
  // Relevance only means something with a text query; Shopify falls back to id order.
  RELEVANCE: (c) => c.id,
};

export function matchingCustomers(store: LocalShopStore, query: string | null | undefined): CustomerRecord[] {
  const matches = compileSearchQuery(query, customerFilters(store));
  return store.customers.filter(matches);
}

export const customerQueries = {
  customers: (
    args: ConnectionArgs & { query?: string | null; sortKey?: string | null },
    context: ResolverContext,
    info: GraphQLResolveInfo,
  ) => {
    const key = CUSTOMER_SORT_KEYS[args.sortKey ?? "ID"];
    if (!key) throw badArgument(`local shop: customers sortKey ${args.sortKey} is not implemented`);
    const records = sortRecords(matchingCustomers(context.store, args.query), key, args.reverse);
    return paginate(records, args, context, info, "Customer", customerView);
  },
  customer: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "Customer");
    const record = id === undefined ? undefined : context.store.customer(id);
    return record ? customerView(record) : null;
  },
  customersCount: (args: { query?: string | null; limit?: number | null }, context: ResolverContext) =>
    countView(matchingCustomers(context.store, args.query).length, args.limit),
};
