import { GraphQLError } from "graphql";
import { parseGid } from "../ids";
import { bulkOperationView } from "./bulk-operations";
import type { ResolverContext } from "./context";
import { customerView } from "./customers";
import { discountCodeNodeView, redeemCodeBulkCreationView } from "./discount-views";
import { draftOrderView, productVariantView } from "./draft-orders";
import { notImplemented } from "./errors";
import { metafieldView } from "./metafields";
import { orderView } from "./orders";
import { shopView } from "./shop";
import { storeCreditAccountView } from "./store-credit";

/** Resolves a global ID to its object; null when it does not exist (or is not visible). */
export function nodeById(context: ResolverContext, id: string): object | null {
  const parsed = parseGid(id);
  if (!parsed) {
    throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
  }
  const { store } = context;
  switch (parsed.type) {
    case "Customer": {
      const record = store.customer(parsed.id);
      return record ? customerView(record) : null;
    }
    case "Order": {
      const record = store.order(parsed.id);
      return record && store.isOrderVisible(record) ? orderView(record) : null;
    }
    case "DiscountCodeNode": {
      const record = store.discount(parsed.id);
      return record ? discountCodeNodeView(record) : null;
    }
    case "DiscountRedeemCodeBulkCreation": {
      const record = store.redeemCodeBulkCreations.get(parsed.id);
      return record ? redeemCodeBulkCreationView(record) : null;
    }
    case "BulkOperation": {
      const record = store.bulkOperations.get(parsed.id);
      return record ? bulkOperationView(record) : null;
    }
    case "Metafield": {
      for (const list of store.metafields.values()) {
        const record = list.find((m) => m.id === parsed.id);
        if (record) return metafieldView(record);
      }
      return null;
    }
    case "StoreCreditAccount": {
      const record = store.storeCreditAccount(parsed.id);
      return record ? storeCreditAccountView(record) : null;
    }
    case "DraftOrder": {
      const record = store.draftOrder(parsed.id);
      return record ? draftOrderView(record) : null;
    }
    case "ProductVariant": {
      const found = store.variant(parsed.id);
      return found ? productVariantView(found.product, found.variant) : null;
    }
    case "Shop":
      return parsed.id === store.shop.id ? shopView(store) : null;
    default:
      throw notImplemented(`node(id:) for ${parsed.type}`);
  }
}

export const nodeQueries = {
  node: (args: { id: string }, context: ResolverContext) => nodeById(context, args.id),
  nodes: (args: { ids: string[] }, context: ResolverContext) => {
    if (args.ids.length > 250) {
      throw new GraphQLError("The ids argument can contain at most 250 ids.", { extensions: { code: "BAD_REQUEST" } });
    }
    return args.ids.map((id) => nodeById(context, id));
  },
};
