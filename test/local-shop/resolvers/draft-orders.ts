import type { GraphQLResolveInfo } from "graphql";
import { gid, idOf } from "../ids";
import { formatDecimal, moneyBag } from "../money";
import type { DraftOrderLineItemRecord, DraftOrderRecord, MailingAddressRecord, ProductRecord, ProductVariantRecord } from "../records";
import { compileSearchQuery, numberMatcher, stringMatcher, tagMatcher, type SearchFilters } from "../search-query";
import { paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { badArgument, userError } from "./errors";
import { customerView } from "./customers";
import { orderView } from "./orders";
import { isoTime, isoTimeOrNull } from "./time";

export function mailingAddressView(record: MailingAddressRecord) {
  return {
    __typename: "MailingAddress",
    firstName: record.firstName,
    lastName: record.lastName,
    name: [record.firstName, record.lastName].filter(Boolean).join(" ") || null,
    address1: record.address1,
    address2: record.address2,
    city: record.city,
    province: record.province,
    zip: record.zip,
    countryCodeV2: record.countryCode,
    phone: record.phone,
  };
}

export function productVariantView(product: ProductRecord, variant: ProductVariantRecord) {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", variant.id),
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    price: formatDecimal(variant.priceCents),
    product: { __typename: "Product", id: gid("Product", product.id), title: product.title },
  };
}

function lineItemView(record: DraftOrderLineItemRecord, currency: string) {
  return {
    __typename: "DraftOrderLineItem",
    id: gid("DraftOrderLineItem", record.id),
    title: record.title,
    variantTitle: record.variantTitle,
    name: record.variantTitle ? `${record.title} - ${record.variantTitle}` : record.title,
    quantity: record.quantity,
    custom: record.variantId === null,
    originalUnitPriceSet: moneyBag(record.unitPriceCents, currency),
    originalTotalSet: moneyBag(record.unitPriceCents * record.quantity, currency),
    variant: (_: unknown, context: ResolverContext) => {
      const found = record.variantId === null ? undefined : context.store.variant(record.variantId);
      return found ? productVariantView(found.product, found.variant) : null;
    },
  };
}

export function draftOrderView(record: DraftOrderRecord) {
  const currency = (context: ResolverContext) => context.store.shop.currencyCode;
  const subtotal = record.lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0);
  return {
    __typename: "DraftOrder",
    id: gid("DraftOrder", record.id),
    legacyResourceId: String(record.id),
    name: record.name,
    status: record.status,
    email: record.email,
    note2: record.note,
    tags: record.tags,
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
    completedAt: isoTimeOrNull(record.completedAt),
    shippingAddress: record.shippingAddress ? mailingAddressView(record.shippingAddress) : null,
    appliedDiscount: record.appliedDiscount
      ? (_: unknown, context: ResolverContext) => ({
          __typename: "DraftOrderAppliedDiscount",
          valueType: record.appliedDiscount!.valueType,
          value: record.appliedDiscount!.value,
          title: record.appliedDiscount!.title,
          description: record.appliedDiscount!.description ?? "",
          amountSet: moneyBag(subtotal - context.store.draftOrderTotalCents(record), currency(context)),
        })
      : null,
    customer: (_: unknown, context: ResolverContext) => {
      const customer = record.customerId === null ? undefined : context.store.customer(record.customerId);
      return customer ? customerView(customer) : null;
    },
    order: (_: unknown, context: ResolverContext) => {
      const order = record.orderId === null ? undefined : context.store.order(record.orderId);
      return order ? orderView(order) : null;
    },
    lineItems: (args: ConnectionArgs, context: ResolverContext, info: GraphQLResolveInfo) =>
      paginate(record.lineItems, args, context, info, "DraftOrderLineItem", (li) => lineItemView(li, currency(context))),
    subtotalPriceSet: (_: unknown, context: ResolverContext) => moneyBag(subtotal, currency(context)),
    totalDiscountsSet: (_: unknown, context: ResolverContext) =>
      moneyBag(subtotal - context.store.draftOrderTotalCents(record), currency(context)),
    totalPriceSet: (_: unknown, context: ResolverContext) =>
      moneyBag(context.store.draftOrderTotalCents(record), currency(context)),
    currencyCode: (_: unknown, context: ResolverContext) => currency(context),
  };
}

const draftOrderFilters: SearchFilters<DraftOrderRecord> = {
  resource: "draft orders",
  fields: {
    id: numberMatcher((d) => d.id),
    tag: tagMatcher((d) => d.tags),
    status: stringMatcher((d) => d.status),
    customer_id: numberMatcher((d) => d.customerId),
  },
  text: (d, value) => d.name.toLowerCase().includes(value.toLowerCase()),
};

interface AddressInput {
  firstName?: string | null;
  lastName?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  phone?: string | null;
}

interface DraftOrderInput {
  customerId?: string | null;
  email?: string | null;
  note?: string | null;
  tags?: string[] | null;
  useCustomerDefaultAddress?: boolean | null;
  shippingAddress?: AddressInput | null;
  appliedDiscount?: { value: number; valueType: "PERCENTAGE" | "FIXED_AMOUNT"; title?: string | null; description?: string | null } | null;
  lineItems?: Array<{ variantId?: string | null; quantity: number; title?: string | null; originalUnitPrice?: string | null }> | null;
  [other: string]: unknown;
}

const SUPPORTED_INPUT = new Set([
  "customerId", "email", "note", "tags", "useCustomerDefaultAddress", "shippingAddress", "appliedDiscount", "lineItems",
]);

const failed = (field: string[], message: string) => ({
  __typename: "DraftOrderCreatePayload",
  draftOrder: null,
  userErrors: [userError("UserError", field, message)],
});

export const draftOrderQueries = {
  draftOrders: (
    args: ConnectionArgs & { query?: string | null; sortKey?: string | null },
    context: ResolverContext,
    info: GraphQLResolveInfo,
  ) => {
    if ((args.sortKey ?? "ID") !== "ID") throw badArgument(`local shop: draftOrders sortKey ${args.sortKey} is not implemented`);
    const matches = compileSearchQuery(args.query, draftOrderFilters);
    const records = sortRecords(context.store.draftOrders.filter(matches), (d) => d.id, args.reverse);
    return paginate(records, args, context, info, "DraftOrder", draftOrderView);
  },
  draftOrder: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "DraftOrder");
    const record = id === undefined ? undefined : context.store.draftOrder(id);
    return record ? draftOrderView(record) : null;
  },
  productVariant: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "ProductVariant");
    const found = id === undefined ? undefined : context.store.variant(id);
    return found ? productVariantView(found.product, found.variant) : null;
  },
};

export const draftOrderMutations = {
  draftOrderCreate: (args: { input: DraftOrderInput }, context: ResolverContext) => {
    const { store } = context;
    const input = args.input;
    for (const key of Object.keys(input)) {
      if (!SUPPORTED_INPUT.has(key)) throw badArgument(`local shop: DraftOrderInput.${key} is not implemented`);
    }
    let customer = null;
    if (input.customerId) {
      const id = idOf(input.customerId, "Customer");
      customer = id === undefined ? undefined : store.customer(id);
      if (!customer) return failed(["customerId"], "Customer does not exist");
    }
    const lines: Parameters<typeof store.addDraftOrder>[0]["lineItems"] = [];
    for (const [index, line] of (input.lineItems ?? []).entries()) {
      if (line.quantity < 1) return failed(["lineItems", String(index), "quantity"], "Quantity must be greater than or equal to 1");
      if (line.variantId) {
        const id = idOf(line.variantId, "ProductVariant");
        const found = id === undefined ? undefined : store.variant(id);
        if (!found) return failed(["lineItems", String(index), "variantId"], "Product variant does not exist");
        lines.push({
          variantId: found.variant.id,
          title: found.product.title,
          variantTitle: found.variant.title === "Default Title" ? null : found.variant.title,
          quantity: line.quantity,
          unitPriceCents: found.variant.priceCents,
        });
      } else {
        if (!line.title || line.originalUnitPrice == null) {
          return failed(["lineItems", String(index)], "Custom line items need a title and a price");
        }
        lines.push({ variantId: null, title: line.title, variantTitle: null, quantity: line.quantity, unitPriceCents: Math.round(Number(line.originalUnitPrice) * 100) });
      }
    }
    if (lines.length === 0) return failed(["lineItems"], "Add at least 1 product");
    const discount = input.appliedDiscount;
    if (discount && discount.valueType === "PERCENTAGE" && (discount.value < 0 || discount.value > 100)) {
      return failed(["appliedDiscount", "value"], "Value must be between 0 and 100");
    }
    let shippingAddress: MailingAddressRecord | null = null;
    if (input.shippingAddress) {
      const a = input.shippingAddress;
      shippingAddress = {
        firstName: a.firstName ?? null, lastName: a.lastName ?? null, address1: a.address1 ?? "", address2: a.address2 ?? null,
        city: a.city ?? "", province: a.provinceCode ?? null, zip: a.zip ?? "", countryCode: a.countryCode ?? "US", phone: a.phone ?? null,
      };
    } else if (input.useCustomerDefaultAddress && customer?.defaultAddress) {
      shippingAddress = { ...customer.defaultAddress };
    }
    const record = store.addDraftOrder({
      customerId: customer?.id ?? null,
      email: input.email ?? customer?.email ?? null,
      lineItems: lines,
      appliedDiscount: discount
        ? { valueType: discount.valueType, value: discount.value, title: discount.title ?? null, description: discount.description ?? null }
        : null,
      shippingAddress,
      tags: input.tags ?? [],
      note: input.note ?? null,
      input: { ...input },
    });
    return { __typename: "DraftOrderCreatePayload", draftOrder: draftOrderView(record), userErrors: [] };
  },
};
