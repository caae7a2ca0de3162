import { authenticate } from "../shopify.server";

/**
 * Shopify's `authenticate.public.appProxy`, answering a bad or stale signature with 401
 * (the library says 400): a storefront request we cannot trust is unauthorized.
 */
export async function authenticateAppProxy(request: Request) {
  try {
    return await authenticate.public.appProxy(request);
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 400) {
      throw new Response("Invalid app proxy signature", { status: 401 });
    }
    throw thrown;
  }
}
