import crypto from "node:crypto";

/** Where the app's proxy is mounted on the storefront (shopify.app.toml `[app_proxy]`). */
export const APP_PROXY_PATH_PREFIX = "/apps/ambassadors";

export type ProxyParams = Record<string, string | string[]>;

/**
 * Shopify's app proxy signature: params sorted by key, each written `key=value` (several
 * values joined with commas), concatenated with no separator, hex HMAC-SHA256 with the secret.
 */
export function appProxySignature(params: ProxyParams, secret: string): string {
  const message = Object.keys(params)
    .filter((key) => key !== "signature")
    .sort()
    .map((key) => {
      const value = params[key];
      return `${key}=${Array.isArray(value) ? value.join(",") : value}`;
    })
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
