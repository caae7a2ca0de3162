import type { ResolverContext } from "./context";
import { userError } from "./errors";

export const flowMutations = {
  /** Records the trigger (see `store.flowTriggers`); Shopify Flow itself is out of scope. */
  flowTriggerReceive: (
    args: { handle?: string | null; payload?: unknown; body?: string | null },
    context: ResolverContext,
  ) => {
    if (!args.body && !args.handle) {
      return {
        __typename: "FlowTriggerReceivePayload",
        userErrors: [userError("UserError", ["handle"], "Either handle or body must be provided")],
      };
    }
    if (args.body) {
      try {
        JSON.parse(args.body);
      } catch {
        return {
          __typename: "FlowTriggerReceivePayload",
          userErrors: [userError("UserError", ["body"], "Body must be valid JSON")],
        };
      }
    }
    context.store.flowTriggers.push({
      handle: args.handle ?? null,
      payload: args.payload ?? null,
      body: args.body ?? null,
      receivedAt: context.store.now(),
    });
    return { __typename: "FlowTriggerReceivePayload", userErrors: [] };
  },
};
