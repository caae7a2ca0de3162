import type {
  AdminOperations,
  ApiClientRequestOptions,
} from "@shopify/admin-api-client";
import type { AdminGraphqlClient } from "../shopify.server";

/**
 * Runs one typed Admin API operation and returns its `data`. Shopify's client already
 * throws `GraphqlQueryError` on top-level `errors` (THROTTLED, ACCESS_DENIED, …); a
 * response that still has no data is a bug we want to hear about, not a silent null.
 */
export async function adminQuery<Operation extends keyof AdminOperations>(
  graphql: AdminGraphqlClient,
  operation: Operation,
  variables?: ApiClientRequestOptions<Operation, AdminOperations>["variables"],
) {
  return (await adminRequest(graphql, operation, variables)).data;
}

/** How long one Admin API request may take before it is abandoned (and retried by its job). */
export const ADMIN_API_TIMEOUT_MS = 30_000;

/** Shopify's account of a request's cost (`extensions.cost`). */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/** Like `adminQuery`, with the request's cost, for callers that pace themselves. */
export async function adminRequest<Operation extends keyof AdminOperations>(
  graphql: AdminGraphqlClient,
  operation: Operation,
  variables?: ApiClientRequestOptions<Operation, AdminOperations>["variables"],
) {
  // A request Shopify (or the network) never answers must fail, so the job retries it,
  // rather than hold the job forever. ADMIN_API_TIMEOUT_MS: tests use a short one.
  const signal = AbortSignal.timeout(Number(process.env.ADMIN_API_TIMEOUT_MS) || ADMIN_API_TIMEOUT_MS);
  const response = await graphql(operation, variables ? { variables, signal } : { signal });
  const body = await response.json();
  if (!body.data) {
    throw new Error(
      `Admin API answered ${String(operation).match(/(query|mutation)\s+(\w+)/)?.[2] ?? "an operation"} without data`,
    );
  }
  const cost = (body.extensions as { cost?: QueryCost } | undefined)?.cost ?? null;
  return { data: body.data, cost };
}

/** True when Shopify refused a request for the rate limit (error code THROTTLED). */
export function isThrottledError(error: unknown): boolean {
  const body = (error as { body?: { errors?: { graphQLErrors?: Array<{ extensions?: { code?: string } }> } } })
    ?.body;
  return Boolean(
    body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED") ||
      (error instanceof Error && /\bthrottled\b/i.test(error.message)),
  );
}
