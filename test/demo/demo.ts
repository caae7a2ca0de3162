import pg from "pg";
import {
  installShopifyFetchRedirect,
  startLocalShop,
  uninstallShopifyFetchRedirect,
  type LocalShop,
} from "../local-shop";
import { migrateDatabase } from "../utils/database";
import { readAppToml } from "./app-config";
import { listenOn, startAppServer } from "./app-server";
import { startStorefront } from "./storefront";

export const DEMO_SHOP_DOMAIN = "demo-shop.myshopify.com";
// Known only to the local demo shop and the app it runs: not a Shopify credential.
const DEMO_API_KEY = "ambassadors-demo-api-key";
const DEMO_API_SECRET = "ambassadors-demo-api-secret";

/** Shopify's library answers 410 to bots (curl, headless browsers): look like a merchant's browser. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

export interface DemoOptions {
  /** 0 picks a free port. */
  appPort: number;
  storefrontPort: number;
  customers: number;
  orders: number;
  seed?: number;
  /** The PostgreSQL database (migrated here); defaults to DATABASE_URL. */
  databaseUrl?: string;
  /** Play Shopify admin's part (session tokens) around /app. Off = production behaviour. */
  demoAdmin?: boolean;
}

export interface Demo {
  appUrl: string;
  storefrontUrl: string;
  shopName: string;
  shopDomain: string;
  databaseUrl: string;
  localShop: LocalShop;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const toml = readAppToml();
  const appListener = await listenOn(options.appPort);
  const appAddress = appListener.address();
  const appPort = typeof appAddress === "object" && appAddress ? appAddress.port : options.appPort;
  const appUrl = `http://localhost:${appPort}`;
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("startDemo needs a database: pass databaseUrl or set DATABASE_URL.");
  migrateDatabase(databaseUrl);
  // The shop remembers the access tokens it issued in earlier demo runs, as Shopify does.
  const accessTokens = await storedAccessTokens(databaseUrl, DEMO_SHOP_DOMAIN);

  const localShop = await startLocalShop({
    shopDomain: DEMO_SHOP_DOMAIN,
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    appUrl,
    webhookSubscriptions: toml.webhookUris,
    grantedScopes: toml.scopes,
    accessTokens,
    seed: { customers: options.customers, orders: options.orders, seed: options.seed ?? 1 },
  });
  installShopifyFetchRedirect({ [DEMO_SHOP_DOMAIN]: localShop.url });

  // shopify.server.ts and db.server.ts read these when the build is imported.
  Object.assign(process.env, {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: DEMO_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: toml.scopes.join(","),
    DATABASE_URL: databaseUrl,
    // The local shop's exports finish in moments: look at them often.
    HISTORY_SYNC_POLL_MS: process.env.HISTORY_SYNC_POLL_MS ?? "500",
    PROVISIONING_POLL_MS: process.env.PROVISIONING_POLL_MS ?? "300",
  });
  const app = await startAppServer({
    server: appListener,
    demoAdmin:
      options.demoAdmin === false
        ? undefined
        : { shop: DEMO_SHOP_DOMAIN, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET },
  });

  if (options.demoAdmin !== false) {
    // The merchant opens the app once, as at install: token exchange stores the shop's
    // offline session, which storefront (app proxy) requests rely on.
    const response = await fetch(`${appUrl}/app`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    if (!response.ok) throw new Error(`Demo install failed: /app answered ${response.status}`);
  }

  const shopName = localShop.store.shop.name;
  const firstRepeatBuyer = localShop.store.customers.find((c) => c.orderIds.length >= 2);
  const storefront = await startStorefront({
    port: options.storefrontPort,
    shopName,
    shopDomain: DEMO_SHOP_DOMAIN,
    appProxyUrl: appUrl + toml.appProxy.appPath,
    proxyPathPrefix: toml.appProxy.pathPrefix,
    signProxyQuery: (loggedInCustomerId, extra) => localShop.signAppProxyQuery({ loggedInCustomerId, extra }),
    findCustomer: (id) => {
      const customer = localShop.store.customers.find((c) => c.legacyResourceId === id);
      if (!customer) return undefined;
      // Liquid's customer.metafields.<namespace>.<key> (the app's ambassador code and link).
      const metafields: Record<string, Record<string, string>> = {};
      for (const m of localShop.store.metafieldsOf(`gid://shopify/Customer/${id}`)) {
        (metafields[m.namespace] ??= {})[m.key] = m.value;
      }
      return { id, first_name: customer.firstName ?? "", email: customer.email ?? "", metafields };
    },
    demoLoginCustomerId: firstRepeatBuyer?.legacyResourceId,
  });

  return {
    appUrl,
    storefrontUrl: storefront.url,
    shopName,
    shopDomain: DEMO_SHOP_DOMAIN,
    databaseUrl,
    localShop,
    async close() {
      await storefront.close();
      await app.close();
      uninstallShopifyFetchRedirect();
      await localShop.close();
    },
  };
}

async function storedAccessTokens(databaseUrl: string, shop: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ accessToken: string }>(
      `SELECT "accessToken" FROM "Session" WHERE "shop" = $1`,
      [shop],
    );
    return rows.map((row) => row.accessToken);
  } finally {
    await client.end();
  }
}
