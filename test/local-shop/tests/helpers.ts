import { startLocalShop, type LocalShop, type LocalShopOptions } from "../index";

export const API_KEY = "local-shop-test-key";
export const API_SECRET = "local-shop-test-secret";

/** A fixed "now" so seeded data is the same on every run. */
export const NOW = Date.parse("2025-06-15T12:00:00Z");

export function startShop(options: Partial<LocalShopOptions> = {}): Promise<LocalShop> {
  return startLocalShop({ apiKey: API_KEY, apiSecret: API_SECRET, ...options });
}

export interface GraphqlBody {
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions dig freely
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  extensions?: {
    cost: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
    };
  };
}

/** Runs a query and returns the parsed body (asserting HTTP 200). */
export async function gql(
  shop: LocalShop,
  query: string,
  variables?: Record<string, unknown>,
  accessToken?: string,
): Promise<GraphqlBody> {
  const { status, body } = await shop.graphql(query, variables, { accessToken });
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
  return body as GraphqlBody;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("waitFor: timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
