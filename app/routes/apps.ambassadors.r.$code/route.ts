import type { LoaderFunctionArgs } from "@remix-run/node";
import { followShareLink } from "../../models/Storefront/ShareClick.server";
import { readStorefrontRequest } from "../../models/Storefront/proxy-context.server";

/**
 * App proxy: GET https://<shop>/apps/ambassadors/r/CODE[?to=/path], an ambassador's share
 * link on the store's own domain. A live code's click is counted (once per visitor and
 * day, nothing personal stored) and the shopper is sent to Shopify's /discount/CODE,
 * which applies the code and lands on `to`. Unknown, paused or retired codes go to the
 * home page with nothing applied.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, client } = await readStorefrontRequest(request);
  const to = new URL(request.url).searchParams.get("to");
  const { location } = await followShareLink(shop, params.code ?? "", to, client, {
    count: request.method === "GET",
  });
  return new Response(null, {
    status: 302,
    headers: { Location: location, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" },
  });
};
