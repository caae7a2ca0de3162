import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateAppProxy } from "../utils/app-proxy.server";

// App proxy: https://<shop>/apps/ambassadors/status, signed by Shopify. Tells the
// storefront blocks whether the program is running for this shop.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticateAppProxy(request);
  const loggedIn = Boolean(new URL(request.url).searchParams.get("logged_in_customer_id"));
  const message = !session
    ? "The ambassador program is not available right now."
    : loggedIn
      ? "Our ambassador program is open to you."
      : "Our ambassador program is open. Log in to apply faster.";
  return Response.json(
    { open: Boolean(session), loggedIn, message },
    { headers: { "Cache-Control": "private, no-store" } },
  );
};
