import crypto from "node:crypto";

/** Where the app's proxy is mounted on the storefront (shopify.app.toml `[app_proxy]`). */
export const APP_PROXY_PATH_PREFIX = "/apps/ambassadors";

export type ProxyParams = Record<string, string | string[]>;

/**
 * Shopify's app proxy signature: each param written `key=value` (several values joined
 * with commas), those strings sorted, concatenated with no separator, hex HMAC-SHA256
 * with the secret.
 */
export function appProxySignature(params: ProxyParams, secret: string): string {
  // As Shopify's own example: the "key=value" strings sorted (by byte), not the keys.
  const message = Object.keys(params)
    .filter((key) => key !== "signature")
    .map((key) => {
      const value = params[key];
      return `${key}=${Array.isArray(value) ? value.join(",") : value}`;
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join("");
  return crypto.createHmac("sha256", secret).update(message).digest("hex");
}

export interface AppProxyQueryInput {
  shop: string;
  secret: string;
  /** Numeric customer id; absent/empty when nobody is logged in (the param is still sent). */
  loggedInCustomerId?: string | null;
  pathPrefix?: string;
  /** The storefront request's own query parameters. */
  extra?: ProxyParams;
  /** ms; default now. */
  now?: number;
}

/** The query string Shopify appends when it forwards a storefront request to the app. */
export function signAppProxyParams(input: AppProxyQueryInput): URLSearchParams {
  const params: ProxyParams = {
    ...input.extra,
    shop: input.shop,
    logged_in_customer_id: input.loggedInCustomerId ?? "",
    path_prefix: input.pathPrefix ?? APP_PROXY_PATH_PREFIX,
    timestamp: String(Math.floor((input.now ?? Date.now()) / 1000)),
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  search.append("signature", appProxySignature(params, input.secret));
  return search;
}
