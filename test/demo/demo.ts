import pg from "pg";
import {
  checkDiscountCode,
  checkoutTotals,
  installShopifyFetchRedirect,
  orderAmounts,
  startLocalShop,
  uninstallShopifyFetchRedirect,
  type LocalShop,
  type LocalShopOptions,
  type OrderRecord,
} from "../local-shop";
import type { DemoHistoryPlan, PlacedOrders } from "../factories/demo-history";
import { migrateDatabase } from "../utils/database";
import { readAppToml } from "./app-config";
import { listenOn, startAppServer } from "./app-server";
import { startStorefront, type PreviewCheckout, type PreviewOrder } from "./storefront";
import { mintExtensionToken } from "../local-shop/extension-token";
import { startLocalKlaviyo, type LocalKlaviyo } from "../local-klaviyo/server";

/** The private key the demo's local Klaviyo double accepts (paste it on /app/integrations). */
export const DEMO_KLAVIYO_KEY = "pk_demo_local_klaviyo_key";

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
  /**
   * Six months of the ambassador program (test/factories/demo-history.ts): its orders in
   * the local shop, and the app living through them. The demo shop's rows in the database
   * are replaced (the local shop lives in memory, so the app's records are rebuilt with it).
   * Needs `demoAdmin` (the install).
   */
  history?: boolean;
  /** How the local shop runs bulk exports (tests slow or hold them to watch progress). */
  localShop?: Pick<LocalShopOptions, "bulkChunkSize" | "bulkChunkDelayMs" | "bulkChunkGate">;
}

/** The seeded program, when `history` was asked for. */
export interface DemoHistory {
  plan: DemoHistoryPlan;
  placed: PlacedOrders;
  /** PlannedAmbassador.key → the app's Ambassador.id */
  ambassadorIds: Map<string, string>;
  /** Milliseconds the history sync and the program's seeding took. */
  seedingMs: number;
}

export interface Demo {
  appUrl: string;
  storefrontUrl: string;
  shopName: string;
  shopDomain: string;
  databaseUrl: string;
  localShop: LocalShop;
  /** The local Klaviyo double the app sends program events to (KLAVIYO_API_URL). */
  klaviyo: LocalKlaviyo;
  history: DemoHistory | null;
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
  const history = options.history === true && options.demoAdmin !== false;
  if (history) await forgetShop(databaseUrl, DEMO_SHOP_DOMAIN);
  // The shop remembers the access tokens it issued in earlier demo runs, as Shopify does.
  const accessTokens = await storedAccessTokens(databaseUrl, DEMO_SHOP_DOMAIN);

  const now = Date.now();
  const localShop = await startLocalShop({
    shopDomain: DEMO_SHOP_DOMAIN,
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    appUrl,
    webhookSubscriptions: toml.webhookUris,
    grantedScopes: toml.scopes,
    accessTokens,
    ...options.localShop,
    seed: { customers: options.customers, orders: options.orders, seed: options.seed ?? 1, now },
  });
  let plan: DemoHistoryPlan | null = null;
  let placed: PlacedOrders | null = null;
  if (history) {
    // The program's orders are in the shop before the app first reads its history.
    const { planDemoHistory, placeDemoOrders } = await import("../factories/demo-history");
    plan = planDemoHistory(localShop.store, { now });
    placed = placeDemoOrders(localShop.store, plan);
  }
  installShopifyFetchRedirect({ [DEMO_SHOP_DOMAIN]: localShop.url });
  const klaviyo = await startLocalKlaviyo({ keys: [DEMO_KLAVIYO_KEY] });

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
    KLAVIYO_API_URL: klaviyo.url,
  });
  const app = await startAppServer({
    server: appListener,
    demoAdmin:
      options.demoAdmin === false
        ? undefined
        : { shop: DEMO_SHOP_DOMAIN, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET },
    stopJobs: true,
  });

  const shopName = localShop.store.shop.name;
  // "Log in (demo)": a repeat buyer who is not an ambassador yet (they can apply).
  const ambassadorCustomers = new Set(plan?.ambassadors.map((a) => a.customerId) ?? []);
  const firstRepeatBuyer = localShop.store.customers.find(
    (c) => c.orderIds.length >= 2 && !ambassadorCustomers.has(c.legacyResourceId),
  );
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
    checkout: previewCheckout(localShop),
    uiExtensions: {
      appUrl,
      mintToken: (customerId) =>
        mintExtensionToken({ apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET, shop: DEMO_SHOP_DOMAIN, customerId }),
    },
  });
  // The storefront preview is the store's primary domain: share links lead to it.
  localShop.store.shop.primaryDomainUrl = storefront.url;

  if (options.demoAdmin !== false) {
    // The merchant opens the app once, as at install: token exchange stores the shop's
    // offline session, which storefront (app proxy) requests rely on.
    const response = await fetch(`${appUrl}/app`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    if (!response.ok) throw new Error(`Demo install failed: /app answered ${response.status}`);
  }

  let demoHistory: DemoHistory | null = null;
  if (plan && placed) {
    const started = Date.now();
    await waitForHistorySync(databaseUrl, DEMO_SHOP_DOMAIN);
    // The app's models, from source, on the app's database (DATABASE_URL is set above).
    const { seedDemoProgram } = await import("../factories/demo-program");
    const { unauthenticated } = await import("../../app/shopify.server");
    const { admin } = await unauthenticated.admin(DEMO_SHOP_DOMAIN);
    const seeded = await seedDemoProgram({
      shop: DEMO_SHOP_DOMAIN,
      localShop,
      graphql: admin.graphql,
      plan,
      placed,
      async deliver(topic, payload, webhook) {
        const response = await localShop.sendWebhook(topic, payload, webhook);
        if (!response.ok) throw new Error(`The app refused the ${topic} webhook: HTTP ${response.status}`);
      },
      settle: () => waitForWebhookInbox(databaseUrl, DEMO_SHOP_DOMAIN),
    });
    // The merchant's first look at the Dashboard computes its retention cohorts in the background.
    await fetch(`${appUrl}/app/dashboard`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    await waitForRetention(databaseUrl, DEMO_SHOP_DOMAIN);
    demoHistory = { plan, placed, ambassadorIds: seeded.ambassadorIds, seedingMs: Date.now() - started };
  }

  return {
    appUrl,
    storefrontUrl: storefront.url,
    shopName,
    shopDomain: DEMO_SHOP_DOMAIN,
    databaseUrl,
    localShop,
    klaviyo,
    history: demoHistory,
    async close() {
      await klaviyo.close();
      await storefront.close();
      await app.close();
      if (demoHistory) {
        // The history's seeding ran the app's models from source, whose jobs went through
        // a job queue of their own (same database): it stops too, before the database.
        const { stopJobQueue } = await import("../../app/jobs/queue.server");
        await stopJobQueue();
      }
      uninstallShopifyFetchRedirect();
      await localShop.close();
    },
  };
}

/** The storefront preview's checkout: the local shop's, which notifies the app as Shopify does. */
function previewCheckout(localShop: LocalShop): PreviewCheckout {
  const store = localShop.store;
  const view = (order: OrderRecord): PreviewOrder => {
    const amounts = orderAmounts(order);
    const customer = order.customerId === null ? undefined : store.customer(order.customerId);
    return {
      id: order.legacyResourceId,
      name: order.name,
      email: order.email,
      firstName: customer?.firstName ?? null,
      lines: order.lineItems.map((li) => ({ title: li.title, quantity: li.quantity, unitPriceCents: li.unitPriceCents })),
      discountCode: order.discountCodes[0]?.code ?? null,
      discountCents: amounts.discountCents,
      shippingCents: amounts.shippingCents,
      taxCents: amounts.taxCents,
      totalCents: amounts.totalCents,
      refundedCents: amounts.refundedCents,
    };
  };
  const buyerOf = ({ customerId, email }: { customerId: string | null; email: string | null }) =>
    (customerId ? store.customer(Number(customerId)) : undefined) ??
    (email ? store.customers.find((c) => c.email?.toLowerCase() === email.toLowerCase()) : undefined) ??
    null;
  return {
    checkDiscount(code, lines, buyer) {
      const check = checkDiscountCode(store, code, lines, buyerOf(buyer));
      return check.ok ? { ok: true, amountCents: check.amountCents } : check;
    },
    totals: (lines, discountCents) => checkoutTotals(lines, discountCents),
    async placeOrder(input) {
      const result = await localShop.checkout({ ...input, customerId: input.customerId ? Number(input.customerId) : null });
      return result.ok ? { ok: true, orderId: result.order.legacyResourceId } : result;
    },
    order(orderId) {
      const order = store.order(Number(orderId));
      return order ? view(order) : undefined;
    },
    async refund(orderId, amountCents) {
      await localShop.refundOrder(Number(orderId), { amountCents, note: "Refunded from the demo tools" });
    },
  };
}

/** Deletes every row of `shop` (every table with a "shop" column): a fresh install. */
async function forgetShop(databaseUrl: string, shop: string) {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ table: string }>(
      `SELECT c.table_name AS "table" FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = 'public' AND c.column_name = 'shop' AND t.table_type = 'BASE TABLE'`,
    );
    for (const { table } of rows) await client.query(`DELETE FROM "${table.replace(/"/g, '""')}" WHERE "shop" = $1`, [shop]);
  });
}

/** Polls `check` (a query on the app's database) until it says done; throws after `timeoutMs`. */
async function pollDatabase(
  databaseUrl: string,
  what: string,
  check: (client: pg.Client) => Promise<boolean>,
  timeoutMs = 180_000,
) {
  await withClient(databaseUrl, async (client) => {
    for (const deadline = Date.now() + timeoutMs; !(await check(client)); ) {
      if (Date.now() > deadline) throw new Error(`The demo gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

function waitForHistorySync(databaseUrl: string, shop: string) {
  return pollDatabase(databaseUrl, "the install's history sync", async (client) => {
    const { rows } = await client.query<{ status: string; error: string | null }>(
      `SELECT "status", "error" FROM "HistorySync" WHERE "shop" = $1 ORDER BY "startedAt" DESC LIMIT 1`,
      [shop],
    );
    if (rows[0]?.status === "failed") throw new Error(`The demo's history sync failed: ${rows[0].error}`);
    return rows[0]?.status === "completed";
  });
}

/** Every webhook the app acknowledged is applied (one it gave up on is an error). */
function waitForWebhookInbox(databaseUrl: string, shop: string) {
  return pollDatabase(databaseUrl, "the app to apply the history's webhooks", async (client) => {
    const { rows } = await client.query<{ waiting: string; failed: string; error: string | null }>(
      `SELECT COUNT(*) FILTER (WHERE "processedAt" IS NULL AND "attempts" < 3) AS "waiting",
              COUNT(*) FILTER (WHERE "processedAt" IS NULL AND "attempts" >= 3) AS "failed",
              MAX("lastError") AS "error"
       FROM "WebhookInbox" WHERE "shop" = $1`,
      [shop],
    );
    if (Number(rows[0].failed) > 0) throw new Error(`The app could not apply a history webhook: ${rows[0].error}`);
    return Number(rows[0].waiting) === 0;
  });
}

function waitForRetention(databaseUrl: string, shop: string) {
  return pollDatabase(databaseUrl, "the Dashboard's retention figures", async (client) => {
    const { rows } = await client.query<{ value: string }>(
      `SELECT "value" FROM "MetricsCache" WHERE "shop" = $1 AND "key" = 'retention'`,
      [shop],
    );
    return rows.length > 0 && rows[0].value !== "null";
  });
}

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
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
