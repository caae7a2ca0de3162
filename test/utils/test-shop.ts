import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import {
  installShopifyFetchRedirect,
  startLocalShop,
  uninstallShopifyFetchRedirect,
  type LocalShop,
  type LocalShopOptions,
} from "#/local-shop";
import { readAppToml } from "#/demo/app-config";
import { testEnv } from "#/setup/test-env";

export { TEST_SHOP };

/**
 * Starts the local shop as TEST_SHOP, with the app's key and secret and the scopes the
 * toml requests, and sends the app's Admin API calls to it. Call `close` in afterAll.
 */
export async function startTestShop(
  options: Partial<LocalShopOptions> = {},
): Promise<LocalShop> {
  const toml = readAppToml();
  // A new local shop honours none of the tokens an earlier one issued: sessions stored
  // by a previous test file would make the app's requests fail with 401.
  const { default: prisma } = await import("~/db.server");
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  const shop = await startLocalShop({
    shopDomain: TEST_SHOP,
    apiKey: API_KEY,
    apiSecret: API_SECRET_KEY,
    appUrl: testEnv.SHOPIFY_APP_URL,
    webhookSubscriptions: toml.webhookUris,
    grantedScopes: toml.scopes,
    seed: { customers: 40, orders: 120, seed: 42 },
    ...options,
  });
  installShopifyFetchRedirect({ [TEST_SHOP]: shop.url });
  const close = shop.close.bind(shop);
  return Object.assign(shop, {
    close: async () => {
      uninstallShopifyFetchRedirect();
      await close();
    },
  });
}

/** A request from the embedded admin: carries a valid session token, as App Bridge sends it. */
export function adminRequest(path: string, init?: RequestInit) {
  return setUpValidRequest(
    { type: RequestType.Bearer, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(new URL(path, testEnv.SHOPIFY_APP_URL), init),
  );
}

/** A storefront request forwarded by Shopify's app proxy (signed). */
export function appProxyRequest(path: string, init?: RequestInit) {
  return setUpValidRequest(
    { type: RequestType.Public, store: TEST_SHOP_NAME, apiSecretKey: API_SECRET_KEY },
    new Request(new URL(path, testEnv.SHOPIFY_APP_URL), init),
  );
}

/** A webhook delivery as Shopify sends it (HMAC-signed body and X-Shopify-* headers). */
export function webhookRequest(
  uri: string,
  topic: string,
  payload: unknown,
  options: { webhookId?: string; shopName?: string } = {},
) {
  return setUpValidRequest(
    {
      type: RequestType.Extension,
      store: options.shopName ?? TEST_SHOP_NAME,
      apiSecretKey: API_SECRET_KEY,
      body: payload,
      headers: {
        "X-Shopify-Topic": topic,
        "X-Shopify-API-Version": readAppToml().webhookApiVersion,
        "X-Shopify-Webhook-Id": options.webhookId ?? crypto.randomUUID(),
        "Content-Type": "application/json",
      },
    },
    new Request(new URL(uri, testEnv.SHOPIFY_APP_URL), { method: "POST" }),
  );
}

/**
 * The app's Admin API client for the local shop, as background jobs get it
 * (`unauthenticated.admin`): stores the offline session a finished install would hold.
 */
export async function adminClientFor(shop: LocalShop) {
  const { default: prisma } = await import("~/db.server");
  const { unauthenticated } = await import("~/shopify.server");
  const id = `offline_${shop.shopDomain}`;
  const data = {
    shop: shop.shopDomain,
    state: "",
    isOnline: false,
    accessToken: shop.issueAccessToken(),
    scope: readAppToml().scopes.join(","),
  };
  await prisma.session.upsert({ where: { id }, create: { id, ...data }, update: data });
  const { admin } = await unauthenticated.admin(shop.shopDomain);
  return admin.graphql;
}
