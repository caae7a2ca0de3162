import crypto from "node:crypto";
import { authenticate, sessionStorage } from "../shopify.server";

/** As the library allows: a signature older or newer than this is stale. */
const CLOCK_TOLERANCE_SECONDS = 90;

/**
 * Shopify's `authenticate.public.appProxy`, answering a bad or stale signature with 401
 * (the library says 400): a storefront request we cannot trust is unauthorized.
 *
 * When the library refuses, the signature is checked once more exactly as Shopify
 * computes it (the documented `"key=value"` strings sorted by byte, a repeated key's
 * values joined with commas): the library sorts keys with localeCompare, so it refuses
 * genuine Shopify requests such as `?Ref=x` (found by the reliability suite's fuzzing).
 * (Before @shopify/shopify-api 15 it also kept only the last value of a repeated key, as
 * in `?utm_source=a&utm_source=b`; 15 joins them as Shopify does.)
 */
export async function authenticateAppProxy(request: Request): Promise<{ session: Awaited<ReturnType<typeof authenticate.public.appProxy>>["session"] }> {
  try {
    return await authenticate.public.appProxy(request);
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 400) {
      const shop = signedShop(new URL(request.url), process.env.SHOPIFY_API_SECRET || "");
      if (shop) return { session: await sessionStorage.loadSession(`offline_${shop}`) };
      throw new Response("Invalid app proxy signature", { status: 401 });
    }
    throw thrown;
  }
}

/** The shop of a request Shopify's app proxy signed (fresh, valid signature), else null. */
function signedShop(url: URL, secret: string): string | null {
  const params = url.searchParams;
  const signature = params.get("signature") ?? "";
  const shop = params.get("shop") ?? "";
  const timestamp = Number(params.get("timestamp"));
  if (!secret || !/^[0-9a-f]{64}$/.test(signature) || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return null;
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > CLOCK_TOLERANCE_SECONDS) return null;
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const message = [...values]
    .map(([key, list]) => `${key}=${list.join(",")}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join("");
  const expected = crypto.createHmac("sha256", secret).update(message).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(signature, "hex")) ? shop : null;
}
