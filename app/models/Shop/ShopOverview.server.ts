import type { AdminGraphqlClient } from "../../shopify.server";
import { ShopOverviewQuery } from "../../graphql/ShopOverviewQuery";
import { adminQuery } from "../../utils/admin-graphql.server";

export interface ShopOverview {
  name: string;
  domain: string;
  currencyCode: string;
  customerCount: number;
  /** True when Shopify capped the count ("at least" this many). */
  customerCountIsLowerBound: boolean;
  orderCount: number;
  orderCountIsLowerBound: boolean;
}

export async function getShopOverview(
  graphql: AdminGraphqlClient,
): Promise<ShopOverview> {
  const data = await adminQuery(graphql, ShopOverviewQuery);
  return {
    name: data.shop.name,
    domain: data.shop.myshopifyDomain,
    currencyCode: data.shop.currencyCode,
    customerCount: data.customersCount?.count ?? 0,
    customerCountIsLowerBound: data.customersCount?.precision !== "EXACT",
    orderCount: data.ordersCount?.count ?? 0,
    orderCountIsLowerBound: data.ordersCount?.precision !== "EXACT",
  };
}
