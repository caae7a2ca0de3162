import { describe, expect, it } from "vitest";
import { appProxySignature, signAppProxyParams } from "../index";
import { API_SECRET, startShop } from "./helpers";
import { shopifyApiForTests } from "./shopify-api";

const shopify = shopifyApiForTests();

/** The query as the validator reads it; repeated keys become arrays (its types only say string). */
function toQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length > 1 ? values : values[0];
  }
  return query as Record<string, string>;
}

describe("app proxy signatures", () => {
  it("are accepted by @shopify/shopify-api for a logged-in customer", async () => {
    const shop = await startShop();
    try {
      const params = shop.signAppProxyQuery({ loggedInCustomerId: "7400000000001", extra: { ref: "ANNA10" } });
      expect(params.get("shop")).toBe("demo-shop.myshopify.com");
      expect(params.get("path_prefix")).toBe("/apps/ambassadors");
      expect(params.get("logged_in_customer_id")).toBe("7400000000001");
      expect(await shopify.utils.validateHmac(toQuery(params), { signator: "appProxy" })).toBe(true);
    } finally {
      await shop.close();
    }
  });

  it("still carry an empty logged_in_customer_id when nobody is logged in", async () => {
    const params = signAppProxyParams({ shop: "demo-shop.myshopify.com", secret: API_SECRET });
    expect(params.has("logged_in_customer_id")).toBe(true);
    expect(params.get("logged_in_customer_id")).toBe("");
    expect(await shopify.utils.validateHmac(toQuery(params), { signator: "appProxy" })).toBe(true);
  });

  it("join multi-valued params with commas", async () => {
    const params = signAppProxyParams({ shop: "demo-shop.myshopify.com", secret: API_SECRET, extra: { tag: ["a", "b"] } });
    expect(params.getAll("tag")).toEqual(["a", "b"]);
    expect(await shopify.utils.validateHmac(toQuery(params), { signator: "appProxy" })).toBe(true);
  });

  it("are rejected when tampered with", async () => {
    const params = signAppProxyParams({ shop: "demo-shop.myshopify.com", secret: API_SECRET, loggedInCustomerId: "1" });
    params.set("logged_in_customer_id", "2");
    expect(await shopify.utils.validateHmac(toQuery(params), { signator: "appProxy" })).toBe(false);
  });

  it("match Shopify's documented algorithm", () => {
    // Expected value computed independently:
    // printf 'extra=1,2logged_in_customer_id=path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555' \
    //   | openssl dgst -sha256 -hmac hush
    const query = {
      extra: ["1", "2"],
      logged_in_customer_id: "",
      path_prefix: "/apps/awesome_reviews",
      shop: "shop-name.myshopify.com",
      timestamp: "1317327555",
    };
    expect(appProxySignature(query, "hush")).toBe("e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb");
  });
});
