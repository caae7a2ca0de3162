import type { AdminOperations, ApiClientRequestOptions } from "@shopify/admin-api-client";
import type { AdminGraphqlClient } from "../shopify.server";
import { adminRequest, isThrottledError, type QueryCost } from "./admin-graphql.server";

export interface PacingOptions {
  /** First wait after a THROTTLED answer; doubles each time in a row (capped). */
  throttleBackoffMs: number;
  /** Gives up after this many THROTTLED answers in a row. */
  maxThrottledInARow?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Admin API client for long work that must stay inside the shop's rate limit: it
 * remembers the leaky bucket Shopify reported (`extensions.cost.throttleStatus`), waits
 * before a request until the bucket holds what the request will cost, and backs off and
 * retries if another client drained the bucket anyway (THROTTLED executes nothing, so a
 * retry is always safe).
 */
export function pacedAdmin(graphql: AdminGraphqlClient, options: PacingOptions) {
  let bucket: { status: QueryCost["throttleStatus"]; at: number } | null = null;
  // What each operation was last charged as requested: better than the caller's guess.
  const learnedCost = new Map<string, number>();
  const stats = { requests: 0, pointsSpent: 0, throttled: 0, waitedMs: 0 };

  async function waitForBudget(expectedCost: number) {
    if (!bucket) return;
    const { currentlyAvailable, restoreRate, maximumAvailable } = bucket.status;
    const elapsed = (Date.now() - bucket.at) / 1000;
    const available = Math.min(maximumAvailable, currentlyAvailable + elapsed * restoreRate);
    const shortfall = Math.min(expectedCost, maximumAvailable) - available;
    if (shortfall > 0) {
      const ms = Math.ceil((shortfall / restoreRate) * 1000);
      stats.waitedMs += ms;
      await sleep(ms);
    }
  }

  return {
    stats,
    /**
     * Runs one operation. `expectedCost` is what it will likely cost (mutations: 10 per
     * root field); the first request of a run goes out without waiting.
     */
    async request<Operation extends keyof AdminOperations>(
      operation: Operation,
      variables: ApiClientRequestOptions<Operation, AdminOperations>["variables"],
      expectedCost: number,
    ) {
      for (let throttledInARow = 0; ; ) {
        await waitForBudget(Math.max(expectedCost, learnedCost.get(operation as string) ?? 0));
        try {
          stats.requests++;
          const result = await adminRequest(graphql, operation, variables);
          if (result.cost) {
            bucket = { status: result.cost.throttleStatus, at: Date.now() };
            learnedCost.set(operation as string, result.cost.requestedQueryCost);
            stats.pointsSpent += result.cost.actualQueryCost ?? result.cost.requestedQueryCost;
          }
          return result.data;
        } catch (error) {
          if (!isThrottledError(error)) throw error;
          stats.throttled++;
          if (++throttledInARow > (options.maxThrottledInARow ?? 8)) throw error;
          bucket = null;
          await sleep(options.throttleBackoffMs * 2 ** Math.min(throttledInARow - 1, 6));
        }
      }
    },
  };
}

export type PacedAdmin = ReturnType<typeof pacedAdmin>;
