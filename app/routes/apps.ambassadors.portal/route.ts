import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadPortal } from "../../models/Storefront/Portal.server";
import { readStorefrontRequest, storefrontJson } from "../../models/Storefront/proxy-context.server";

/**
 * App proxy: GET https://<shop>/apps/ambassadors/portal, signed by Shopify. What the
 * theme blocks show the shopper: program open, logged in, membership, and for the
 * ambassador whose logged_in_customer_id this is, their code, link, numbers and news.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId, installed } = await readStorefrontRequest(request);
  return storefrontJson(await loadPortal(shop, customerId, { installed }));
};
