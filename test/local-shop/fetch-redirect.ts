import { Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";

/**
 * Points Node's global `fetch` (and undici) at local shops: `https://<shop>/...` goes to the
 * mapped loopback server with the same path, and every other Shopify host is refused, so a
 * test can never reach the real Shopify. Works through undici's global dispatcher, which
 * Node's built-in fetch reads on every request — even libraries that captured `fetch` at
 * import time are covered.
 */

function isShopifyHost(host: string): boolean {
  return (
    host === "myshopify.com" || host.endsWith(".myshopify.com") || host === "shopify.com" || host.endsWith(".shopify.com")
  );
}

function normalizeShop(shop: string): string {
  return shop.replace(/^https?:\/\//, "").replace(/\/.*$/, "").toLowerCase();
}

export class ShopifyHostRefusedError extends Error {}

class ShopifyRedirectDispatcher extends Dispatcher {
  readonly routes = new Map<string, string>();

  constructor(private readonly fallback: Dispatcher) {
    super();
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = options.origin ? new URL(String(options.origin)) : undefined;
    const host = origin?.hostname.toLowerCase() ?? "";
    const target = this.routes.get(host);
    if (target) return this.fallback.dispatch({ ...options, origin: target }, handler);
    if (isShopifyHost(host)) {
      // Thrown inside fetch's promise, so the caller sees a rejected fetch with this cause.
      throw new ShopifyHostRefusedError(
        `local shop: refusing to fetch ${origin?.origin}${options.path} — no local shop is mapped to ${host}`,
      );
    }
    return this.fallback.dispatch(options, handler);
  }

  // The wrapped dispatcher belongs to whoever installed it, so closing the wrapper is a no-op.
  close(): Promise<void>;
  close(callback: () => void): void;
  close(callback?: () => void): Promise<void> | void {
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }

  destroy(): Promise<void>;
  destroy(err: Error | null): Promise<void>;
  destroy(callback: () => void): void;
  destroy(err: Error | null, callback: () => void): void;
  destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const done = typeof errOrCallback === "function" ? errOrCallback : callback;
    if (done) return void queueMicrotask(done);
    return Promise.resolve();
  }
}

let installed: { dispatcher: ShopifyRedirectDispatcher; previous: Dispatcher } | undefined;

/** Maps shop domains ("demo-shop.myshopify.com") to local shop URLs ("http://127.0.0.1:1234"). */
export function installShopifyFetchRedirect(map: Record<string, string>): void {
  if (!installed) {
    const previous = getGlobalDispatcher();
    installed = { dispatcher: new ShopifyRedirectDispatcher(previous), previous };
    setGlobalDispatcher(installed.dispatcher);
  }
  for (const [shop, url] of Object.entries(map)) installed.dispatcher.routes.set(normalizeShop(shop), new URL(url).origin);
}

/** Restores the dispatcher that was there before (a no-op when not installed). */
export function uninstallShopifyFetchRedirect(): void {
  if (!installed) return;
  setGlobalDispatcher(installed.previous);
  installed = undefined;
}

export function isShopifyFetchRedirectInstalled(): boolean {
  return installed !== undefined;
}
