import { RequestedTokenType, Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  installShopifyFetchRedirect,
  isShopifyFetchRedirectInstalled,
  mintSessionToken,
  uninstallShopifyFetchRedirect,
  type LocalShop,
} from "../index";
import { API_KEY, API_SECRET, startShop } from "./helpers";
import { shopifyApiForTests } from "./shopify-api";

const shopify = shopifyApiForTests();
const SHOP = "demo-shop.myshopify.com";

describe("token exchange through Shopify's library", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    shop = await startShop({ seed: { customers: 3, orders: 3, seed: 1 } });
    installShopifyFetchRedirect({ [SHOP]: shop.url });
  });
  afterAll(async () => {
    uninstallShopifyFetchRedirect();
    await shop.close();
  });

  it("exchanges a session token for an offline token that works for GraphQL", async () => {
    expect(isShopifyFetchRedirectInstalled()).toBe(true);
    const { session } = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: mintSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP }),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.isOnline).toBe(false);
    expect(session.id).toBe(`offline_${SHOP}`);
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.scope).toBe(shop.store.grantedScopes.join(","));

    const client = new shopify.clients.Graphql({ session });
    const response = await client.request("{ shop { name myshopifyDomain } }");
    expect(response.data).toEqual({ shop: { name: "Demo Shop", myshopifyDomain: SHOP } });
  });

  it("issues online tokens with the associated user", async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: mintSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP, userId: 42 }),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(42);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
  });

  it("issues expiring offline tokens that can be refreshed", async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: mintSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP }),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session.refreshToken).toMatch(/^shprt_/);
    const refreshed = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    const client = new shopify.clients.Graphql({ session: refreshed.session });
    expect((await client.request("{ shop { name } }")).data).toEqual({ shop: { name: "Demo Shop" } });
  });

  it("rejects a session token signed with another secret", async () => {
    // The library checks the JWT itself first; sign with the app secret but for another app key
    // so that only the local shop's own check (aud) can refuse it.
    const wrongAudience = mintSessionToken({ apiKey: "other-app", apiSecret: API_SECRET, shop: SHOP });
    const response = await fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: API_KEY,
        client_secret: API_SECRET,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: wrongAudience,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_subject_token" });

    await expect(
      shopify.auth.tokenExchange({
        shop: SHOP,
        sessionToken: mintSessionToken({ apiKey: API_KEY, apiSecret: "not-the-secret", shop: SHOP }),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      }),
    ).rejects.toThrow();
  });

  it("refuses GraphQL with a token it never issued (HTTP 401)", async () => {
    const session = new Session({ id: "x", shop: SHOP, state: "", isOnline: false, accessToken: "shpat_unknown" });
    const client = new shopify.clients.Graphql({ session });
    await expect(client.request("{ shop { name } }")).rejects.toThrow(/401|Unauthorized|Invalid API key/i);
  });

  it("refuses every other Shopify host, but lets other hosts through", async () => {
    await expect(fetch("https://other-shop.myshopify.com/admin/api/2026-10/graphql.json")).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/refusing to fetch https:\/\/other-shop\.myshopify\.com/) }),
    });
    await expect(fetch("https://admin.shopify.com/store/demo-shop")).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/refusing to fetch/) }),
    });
    expect((await fetch(`${shop.url}/health`)).status).toBe(200);
  });

  it("restores normal fetch when uninstalled", async () => {
    uninstallShopifyFetchRedirect();
    expect(isShopifyFetchRedirectInstalled()).toBe(false);
    expect((await fetch(`${shop.url}/health`)).status).toBe(200);
    installShopifyFetchRedirect({ [SHOP]: shop.url });
  });
});
