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
  const response = await graphql(operation, variables ? { variables } : undefined);
  const body = await response.json();
  if (!body.data) {
    throw new Error(
      `Admin API answered ${String(operation).match(/(query|mutation)\s+(\w+)/)?.[2] ?? "an operation"} without data`,
    );
  }
  return body.data;
}
