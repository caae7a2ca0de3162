import type { LoaderFunctionArgs } from "@remix-run/node";
import { followShareLink } from "../../models/Storefront/ShareClick.server";
import { readStorefrontRequest } from "../../models/Storefront/proxy-context.server";

/**
 * App proxy: GET https://<shop>/apps/ambassadors/r/CODE[?to=/path], an ambassador's share
 * link on the store's own domain. A live code's click is counted (once per visitor and
 * day, nothing personal stored) and the shopper is sent to Shopify's /discount/CODE,
 * which applies the code and lands on `to`. A paused code (the ambassador, or every code,
 * paused) gets a page of the store saying the offer is paused, nothing applied or counted.
 * Unknown, retired or removed codes go to the home page with nothing applied.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, client } = await readStorefrontRequest(request);
  const to = new URL(request.url).searchParams.get("to");
  const visit = await followShareLink(shop, params.code ?? "", to, client, {
    count: request.method === "GET",
  });
  const headers = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
  if (visit.outcome === "paused") {
    // Liquid: Shopify renders it inside the store's theme, as a page of the store.
    return new Response(pausedOfferPage(visit.landingPath), {
      status: 200,
      headers: { ...headers, "Content-Type": "application/liquid; charset=utf-8" },
    });
  }
  return new Response(null, { status: 302, headers: { ...headers, Location: visit.location } });
};

/**
 * Shopify renders this as Liquid, so nothing from the request may reach it as text: the
 * landing path is used only when it is made of plain URL characters (no braces, quotes or
 * angle brackets), else the link goes to the home page.
 */
function pausedOfferPage(landingPath: string): string {
  const href = /^\/[A-Za-z0-9/_.~!$()*+,;=:@?&%-]*$/.test(landingPath) ? landingPath.replace(/&/g, "&amp;") : "/";
  return `<section class="ambassadors-offer-paused" style="max-width:40rem;margin:3rem auto;padding:0 1.5rem">
  <h1>This offer is paused</h1>
  <p>The discount from this link isn't available right now, so nothing will be taken off at checkout. You're welcome to keep shopping at {{ shop.name | escape }}.</p>
  <p><a class="button" href="${href}">Continue shopping</a></p>
</section>
`;
}
