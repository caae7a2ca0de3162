import { bulkOperationMutations, bulkOperationQueries } from "./bulk-operations";
import type { ResolverContext } from "./context";
import { customerCreate } from "./customer-create";
import { customerQueries } from "./customers";
import { discountMutations, discountQueries } from "./discounts";
import { draftOrderMutations, draftOrderQueries } from "./draft-orders";
import { flowMutations } from "./flow";
import { jobQueries } from "./jobs";
import { metafieldsDelete, metafieldsSet } from "./metafields";
import { nodeQueries } from "./node";
import { orderQueries } from "./orders";
import { redeemCodeBulkDeleteMutations } from "./redeem-code-bulk-delete";
import { shopView } from "./shop";
import { storeCreditMutations, storeCreditQueries } from "./store-credit";
import { tagMutations } from "./tags";

/**
 * Root values for graphql-js: each property resolves the root field of that name. Root
 * fields missing here fail through the strict field resolver ("QueryRoot.x is not implemented").
 */
export const queryRoot = {
  shop: (_: unknown, context: ResolverContext) => shopView(context.store),
  ...customerQueries,
  ...orderQueries,
  ...nodeQueries,
  ...discountQueries,
  ...bulkOperationQueries,
  ...storeCreditQueries,
  ...jobQueries,
  ...draftOrderQueries,
};

export const mutationRoot = {
  ...discountMutations,
  ...redeemCodeBulkDeleteMutations,
  ...tagMutations,
  ...bulkOperationMutations,
  ...flowMutations,
  ...storeCreditMutations,
  ...draftOrderMutations,
  metafieldsSet,
  metafieldsDelete,
  customerCreate,
};

export { strictFieldResolver } from "./field-resolver";
export type { ResolverContext, LocalShopServices, BulkExecution } from "./context";
