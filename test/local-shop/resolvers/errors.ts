import { GraphQLError } from "graphql";

/** The one way the local shop says "you asked for something I do not do". */
export function notImplemented(what: string): GraphQLError {
  return new GraphQLError(`local shop: ${what} is not implemented`, {
    extensions: { code: "LOCAL_SHOP_NOT_IMPLEMENTED" },
  });
}

/** An argument error of the kind Shopify answers with a top-level error. */
export function badArgument(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}

/** Shopify's `UserError` / `DiscountUserError` / … objects share this shape. */
export interface UserErrorView {
  __typename: string;
  field: string[] | null;
  message: string;
  code?: string | null;
  extraInfo?: string | null;
  elementIndex?: number | null;
}

export function userError(
  typename: string,
  field: string[] | null,
  message: string,
  code?: string | null,
  extra: { elementIndex?: number | null; extraInfo?: string | null } = {},
): UserErrorView {
  return { __typename: typename, field, message, ...(code !== undefined ? { code } : {}), ...extra };
}
