import "@shopify/shopify-api/adapters/node";
import { LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { ADMIN_API_VERSION } from "~/api-version";
import type { ApiVersion } from "@shopify/shopify-api";
import {
  installShopifyFetchRedirect,
  mintSessionToken,
  startLocalShop,
  uninstallShopifyFetchRedirect,
} from "#/local-shop";
import { percentile, round, type Benchmark } from "./benchmark";

const CUSTOMERS = 5_000;
const PAGE_SIZE = 100;
const shopDomain = "bench-shop.myshopify.com";
const apiKey = "bench-key";
const apiSecret = "bench-secret";

const CustomersPage = `#graphql
  query BenchCustomersPage($after: String) {
    customers(first: ${PAGE_SIZE}, after: $after) {
      nodes { id numberOfOrders amountSpent { amount currencyCode } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/**
 * Round trip of the Admin API path every feature uses (Shopify's client → loopback local
 * shop: parse, validate, cost, execute): reads every customer page by page.
 */
const benchmark: Benchmark = {
  description: `read ${CUSTOMERS.toLocaleString("en")} customers, ${PAGE_SIZE} a page, through Shopify's GraphQL client and the local shop`,
  async run(log) {
    const shop = await startLocalShop({
      shopDomain,
      apiKey,
      apiSecret,
      grantedScopes: ["read_customers", "read_orders"],
      // A bucket big enough never to throttle: this measures the round trip, not pacing.
      throttle: { bucketSize: 1_000_000, restoreRate: 1_000_000 },
      seed: { customers: CUSTOMERS, orders: CUSTOMERS * 2, seed: 3 },
    });
    installShopifyFetchRedirect({ [shopDomain]: shop.url });
    try {
      const api = shopifyApi({
        apiKey,
        apiSecretKey: apiSecret,
        apiVersion: ADMIN_API_VERSION as ApiVersion,
        hostName: "localhost",
        isEmbeddedApp: true,
        logger: { level: LogSeverity.Error },
      });
      const { session } = await api.auth.tokenExchange({
        shop: shopDomain,
        sessionToken: mintSessionToken({ shop: shopDomain, apiKey, apiSecret }),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      });
      const client = new api.clients.Graphql({ session });

      const latencies: number[] = [];
      let points = 0;
      let customers = 0;
      let after: string | null = null;
      const started = performance.now();
      do {
        const t0 = performance.now();
        const response = await client.request(CustomersPage, { variables: { after } });
        latencies.push(performance.now() - t0);
        const page = response.data?.customers as {
          nodes: unknown[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        customers += page.nodes.length;
        points += Number((response.extensions as { cost?: { actualQueryCost?: number } })?.cost?.actualQueryCost ?? 0);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      const wallMs = performance.now() - started;

      latencies.sort((a, b) => a - b);
      const figures = {
        requests: latencies.length,
        customers,
        wall_ms: round(wallMs, 0),
        p50_ms: round(percentile(latencies, 50)),
        p95_ms: round(percentile(latencies, 95)),
        cost_points: points,
        throttled: shop.store.stats.throttled,
      };
      log(`${figures.requests} requests, ${figures.customers} customers in ${figures.wall_ms} ms`);
      log(`latency p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms`);
      log(`${figures.cost_points} cost points, ${figures.throttled} throttled`);
      return figures;
    } finally {
      uninstallShopifyFetchRedirect();
      await shop.close();
    }
  },
};

export default benchmark;
