import { parseGid } from "../ids";
import { normalizeTags } from "../store";
import type { ResolverContext } from "./context";
import { userError } from "./errors";
import { customerView } from "./customers";
import { orderView } from "./orders";

/** The taggable record behind an id (customers and orders here), or undefined. */
function taggable(context: ResolverContext, id: string) {
  const parsed = parseGid(id);
  const { store } = context;
  if (parsed?.type === "Customer") {
    const record = store.customer(parsed.id);
    return record && { record, view: () => customerView(record) };
  }
  if (parsed?.type === "Order") {
    const record = store.order(parsed.id);
    return record && store.isOrderVisible(record) ? { record, view: () => orderView(record) } : undefined;
  }
  return undefined;
}

function changeTags(typename: string, change: (current: string[], tags: string[]) => string[]) {
  return (args: { id: string; tags: string[] }, context: ResolverContext) => {
    const target = taggable(context, args.id);
    if (!target) {
      return { __typename: typename, node: null, userErrors: [userError("UserError", ["id"], "Resource not found")] };
    }
    target.record.tags = change(target.record.tags, normalizeTags(args.tags));
    target.record.updatedAt = Math.max(target.record.updatedAt, context.store.now());
    return { __typename: typename, node: target.view(), userErrors: [] };
  };
}

export const tagMutations = {
  tagsAdd: changeTags("TagsAddPayload", (current, tags) => normalizeTags([...current, ...tags])),
  tagsRemove: changeTags("TagsRemovePayload", (current, tags) => {
    const removed = new Set(tags.map((t) => t.toLowerCase()));
    return current.filter((t) => !removed.has(t.toLowerCase()));
  }),
};
