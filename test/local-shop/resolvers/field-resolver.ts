import type { GraphQLFieldResolver } from "graphql";
import type { ResolverContext } from "./context";
import { notImplemented } from "./errors";

/**
 * graphql-js's default resolver returns undefined → null for a missing property, which would
 * let the app read nulls the real shop never sends. Ours throws instead. Properties may be
 * values (null is a real answer) or functions `(args, context, info)` for lazy/argument fields.
 */
export const strictFieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (
  source,
  args,
  context,
  info,
) => {
  const value =
    source !== null && typeof source === "object"
      ? (source as Record<string, unknown>)[info.fieldName]
      : undefined;
  if (value === undefined) {
    const name = `${info.parentType.name}.${info.fieldName}`;
    context.store.recordUnimplemented(name);
    throw notImplemented(name);
  }
  if (typeof value === "function") {
    return (value as (a: unknown, c: ResolverContext, i: unknown) => unknown).call(source, args, context, info);
  }
  return value;
};
