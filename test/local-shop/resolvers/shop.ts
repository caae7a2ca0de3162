import { gid } from "../ids";
import type { LocalShopStore } from "../store";
import type { ResolverContext } from "./context";
import { metafieldFields } from "./metafields";
import { isoTime } from "./time";

function stringConnection(values: string[], first: number) {
  const page = values.slice(0, first);
  return {
    __typename: "StringConnection",
    edges: page.map((node) => ({ __typename: "StringEdge", cursor: Buffer.from(node).toString("base64"), node })),
    nodes: page,
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: values.length > first,
      hasPreviousPage: false,
      startCursor: page.length ? Buffer.from(page[0]).toString("base64") : null,
      endCursor: page.length ? Buffer.from(page[page.length - 1]).toString("base64") : null,
    },
  };
}

function distinctTags(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort((a, b) => a.localeCompare(b));
}

export function shopView(store: LocalShopStore) {
  const shop = store.shop;
  const url = `https://${shop.myshopifyDomain}`;
  return {
    __typename: "Shop",
    id: gid("Shop", shop.id),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.contactEmail,
    myshopifyDomain: shop.myshopifyDomain,
    url,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: [shop.currencyCode],
    ianaTimezone: shop.ianaTimezone,
    timezoneAbbreviation: shop.timezoneAbbreviation,
    timezoneOffset: shop.timezoneOffset,
    timezoneOffsetMinutes: shop.timezoneOffsetMinutes,
    taxesIncluded: false,
    taxShipping: false,
    weightUnit: "KILOGRAMS",
    unitSystem: "METRIC_SYSTEM",
    setupRequired: false,
    checkoutApiSupported: true,
    transactionalSmsDisabled: false,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    description: null,
    shopOwnerName: "Demo Owner",
    createdAt: isoTime(shop.createdAt),
    updatedAt: isoTime(shop.createdAt),
    plan: {
      __typename: "ShopPlan",
      displayName: shop.plan.publicDisplayName,
      publicDisplayName: shop.plan.publicDisplayName,
      partnerDevelopment: shop.plan.partnerDevelopment,
      shopifyPlus: shop.plan.shopifyPlus,
    },
    primaryDomain: {
      __typename: "Domain",
      id: gid("Domain", 1),
      host: shop.primaryDomainUrl ? new URL(shop.primaryDomainUrl).host : shop.myshopifyDomain,
      url: shop.primaryDomainUrl ?? url,
      sslEnabled: shop.primaryDomainUrl ? shop.primaryDomainUrl.startsWith("https:") : true,
    },
    customerTags: (args: { first: number }, context: ResolverContext) =>
      stringConnection(distinctTags(context.store.customers.map((c) => c.tags)), args.first),
    orderTags: (args: { first: number }, context: ResolverContext) =>
      stringConnection(distinctTags(context.store.visibleOrders().map((o) => o.tags)), args.first),
    ...metafieldFields(gid("Shop", shop.id)),
  };
}
