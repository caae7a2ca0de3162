import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "#/setup/test-env";

/**
 * A stand-in for the global `shopify` object Shopify gives a UI extension, for component
 * tests: the session token, and translations from the extension's own locale files
 * (Shopify's `i18n.translate`, with {{name}} interpolation).
 */
export interface FakeShopify {
  sessionToken: { get(): Promise<string> };
  i18n: { translate(key: string, values?: Record<string, unknown>): string };
}

export function readLocale(extension: string, file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, "extensions", extension, "locales", file), "utf8"));
}

export function fakeShopify(extension: string, { locale = "en.default.json", token = "session-token" } = {}): FakeShopify {
  const strings = readLocale(extension, locale);
  return {
    sessionToken: { get: async () => token },
    i18n: {
      translate(key, values = {}) {
        const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], strings);
        if (typeof value !== "string") throw new Error(`missing translation ${key} in ${extension}/${locale}`);
        return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => String(values[name] ?? ""));
      },
    },
  };
}

/** A fetch that answers each call from the handler, recording method, URL and headers. */
export function fakeFetch(handler: (method: string, url: string, body: string | null) => Response | Promise<Response>) {
  const calls: Array<{ method: string; url: string; authorization: string | null; body: string | null }> = [];
  const fetch = async (input: string | URL, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? init.body : null;
    calls.push({ method, url: String(input), authorization: headers.get("authorization"), body });
    return handler(method, String(input), body);
  };
  return { fetch, calls };
}
