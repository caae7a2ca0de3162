/**
 * Share links live on the store's own domain, behind the app proxy, so a click is counted
 * by us and then handed to Shopify's `/discount/CODE` route, which applies the code.
 * Client-safe: no server imports.
 */

/** The app proxy path prefix set in shopify.app.toml (`[app_proxy] prefix/subpath`). */
export const APP_PROXY_PATH = "/apps/ambassadors";

/** `https://store.example/apps/ambassadors/r/JANE123`. */
export function shareLinkFor(storefrontUrl: string | null, shop: string, code: string): string {
  const base = (storefrontUrl ?? `https://${shop}`).replace(/\/+$/, "");
  return `${base}${APP_PROXY_PATH}/r/${encodeURIComponent(code)}`;
}

/**
 * Where a share-link click lands: Shopify's discount route, which applies the code and
 * then redirects to `landingPath` (only a path on the same store, never another host).
 */
export function discountRedirectPath(code: string, landingPath: string | null): string {
  const path = landingPath && /^\/(?!\/)[^\s\\]*$/.test(landingPath) ? landingPath : "/";
  return `/discount/${encodeURIComponent(code)}?redirect=${encodeURIComponent(path)}`;
}
