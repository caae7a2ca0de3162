import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { isShopifyFetchRedirectInstalled, mintSessionToken } from "#/local-shop";
import { testEnv } from "#/setup/test-env";
import { loader as appLoader } from "../app";

const appUrl = testEnv.SHOPIFY_APP_URL;

async function responseOf(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("the loader let the request in");
}

// Demo mode must not leak into production: the demo's session tokens and Admin API
// redirect exist only in test/demo; the app itself trusts nothing but Shopify's tokens.
describe("admin pages without the demo", () => {
  it("do not reach the local shop: no Admin API redirect is installed", () => {
    expect(isShopifyFetchRedirectInstalled()).toBe(false);
  });

  it("send a request without a session token to Shopify's login, not into the app", async () => {
    const response = await responseOf(
      appLoader({ request: new Request(`${appUrl}/app`), params: {}, context: {} }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/\/auth\/login/);
  });

  it("refuse a session token signed with another secret", async () => {
    const forged = mintSessionToken({ shop: TEST_SHOP, apiKey: API_KEY, apiSecret: "not-the-app-secret" });
    const response = await responseOf(
      appLoader({
        request: new Request(`${appUrl}/app`, { headers: { Authorization: `Bearer ${forged}` } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(401);
  });

  it("never import the demo or the local shop from app/", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "tests") walk(full);
        } else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.includes(".test.")) {
          if (/from\s+["'](#\/|[./]*\/test\/|.*local-shop)/.test(fs.readFileSync(full, "utf8"))) {
            offenders.push(full);
          }
        }
      }
    };
    walk(path.resolve(import.meta.dirname, "../.."));
    expect(offenders).toEqual([]);
  });
});
