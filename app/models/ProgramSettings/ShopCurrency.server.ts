import type { AdminGraphqlClient } from "../../shopify.server";
import { ShopCurrencyQuery } from "../../graphql/ShopCurrencyQuery";
import { adminQuery } from "../../utils/admin-graphql.server";
import { getProgramSettings, recordShopCurrency } from "./ProgramSettings.server";

/**
 * The shop currency money settings are entered in. Learnt from the orders by the history
 * sync; before the first sync it is asked of Shopify, so a minimum spend typed in yen is
 * never stored as if it had cents.
 */
export async function shopCurrency(graphql: AdminGraphqlClient, shop: string): Promise<string> {
  const { currencyCode } = await getProgramSettings(shop);
  if (currencyCode) return currencyCode;
  const { shop: shopInfo } = await adminQuery(graphql, ShopCurrencyQuery);
  await recordShopCurrency(shop, shopInfo.currencyCode);
  return shopInfo.currencyCode;
}
