import crypto from "node:crypto";
import type { GraphQLResolveInfo } from "graphql";
import { parseGid } from "../ids";
import { gid } from "../ids";
import type { MetafieldRecord } from "../records";
import type { LocalShopStore } from "../store";
import { paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { userError, type UserErrorView } from "./errors";
import { nodeById } from "./node";
import { isoTime } from "./time";

const MAX_METAFIELDS_PER_CALL = 25;

/** Owner types metafieldsSet accepts here, with Shopify's MetafieldOwnerType. */
const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Order: "ORDER",
  Shop: "SHOP",
  DiscountCodeNode: "DISCOUNT",
};

const SCALAR_TYPES = new Set([
  "single_line_text_field",
  "multi_line_text_field",
  "rich_text_field",
  "number_integer",
  "number_decimal",
  "boolean",
  "json",
  "date",
  "date_time",
  "url",
  "color",
  "money",
  "rating",
  "weight",
  "volume",
  "dimension",
  "id",
  "link",
  "customer_reference",
  "product_reference",
  "variant_reference",
  "collection_reference",
  "page_reference",
  "file_reference",
  "metaobject_reference",
]);

function isKnownType(type: string): boolean {
  return SCALAR_TYPES.has(type.replace(/^list\./, ""));
}

/** `$app` and a missing namespace mean the app-reserved namespace, as on Shopify. */
export function resolveNamespace(store: LocalShopStore, namespace: string | null | undefined): string {
  if (!namespace || namespace === "$app") return `app--${store.appId}`;
  if (namespace.startsWith("$app:")) return `app--${store.appId}--${namespace.slice(5)}`;
  return namespace;
}

/** Why a value does not fit its type, or null when it does. */
function invalidValueReason(type: string, value: string): string | null {
  if (type.startsWith("list.")) {
    try {
      return Array.isArray(JSON.parse(value)) ? null : "Value must be a JSON array.";
    } catch {
      return "Value must be a JSON array.";
    }
  }
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) ? null : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "json":
    case "money":
    case "rating":
    case "weight":
    case "volume":
    case "dimension":
    case "link":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value must be valid JSON.";
      }
    case "single_line_text_field":
      return value.includes("\n") ? "Value must be a single line." : null;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "Value must be a date (YYYY-MM-DD).";
    case "date_time":
      return Number.isNaN(Date.parse(value)) ? "Value must be a date and time." : null;
    default:
      return null;
  }
}

function jsonValue(record: MetafieldRecord): unknown {
  switch (record.type) {
    case "number_integer":
      return Number(record.value);
    case "boolean":
      return record.value === "true";
    default:
      if (record.type.startsWith("list.") || ["json", "money", "rating", "weight", "volume", "dimension", "link"].includes(record.type)) {
        return JSON.parse(record.value) as unknown;
      }
      return record.value;
  }
}

function compareDigest(record: MetafieldRecord): string {
  return crypto.createHash("sha256").update(`${record.id}:${record.updatedAt}:${record.value}`).digest("hex");
}

export function metafieldView(record: MetafieldRecord) {
  const ownerType = parseGid(record.ownerGid)?.type ?? "";
  return {
    __typename: "Metafield",
    id: gid("Metafield", record.id),
    legacyResourceId: String(record.id),
    namespace: record.namespace,
    key: record.key,
    type: record.type,
    value: record.value,
    jsonValue: () => jsonValue(record),
    compareDigest: () => compareDigest(record),
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
    ownerType: OWNER_TYPES[ownerType] ?? null,
    owner: (_: unknown, context: ResolverContext) => nodeById(context, record.ownerGid),
  };
}

/** `metafield(namespace:, key:)` and `metafields(...)` for any HasMetafields owner. */
export function metafieldFields(ownerGid: string) {
  return {
    metafield: (args: { namespace?: string | null; key: string }, context: ResolverContext) => {
      const found = context.store.findMetafield(ownerGid, resolveNamespace(context.store, args.namespace), args.key);
      return found ? metafieldView(found) : null;
    },
    metafields: (
      args: ConnectionArgs & { namespace?: string | null; keys?: string[] | null },
      context: ResolverContext,
      info: GraphQLResolveInfo,
    ) => {
      let records = context.store.metafieldsOf(ownerGid);
      if (args.namespace) {
        const namespace = resolveNamespace(context.store, args.namespace);
        records = records.filter((m) => m.namespace === namespace);
      }
      if (args.keys) {
        const keys = new Set(args.keys);
        records = records.filter((m) => keys.has(`${m.namespace}.${m.key}`));
      }
      return paginate(sortRecords(records, (m) => m.id, args.reverse), args, context, info, "Metafield", metafieldView);
    },
  };
}

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

function ownerExists(store: LocalShopStore, ownerGid: string): boolean {
  const parsed = parseGid(ownerGid);
  if (!parsed || !OWNER_TYPES[parsed.type]) return false;
  switch (parsed.type) {
    case "Customer":
      return store.customer(parsed.id) !== undefined;
    case "Order":
      return store.order(parsed.id) !== undefined && store.isOrderVisible(store.order(parsed.id)!);
    case "Shop":
      return parsed.id === store.shop.id;
    case "DiscountCodeNode":
      return store.discount(parsed.id) !== undefined;
    default:
      return false;
  }
}

/** `metafieldsSet`: all-or-nothing, up to 25 metafields, Shopify's userErrors. */
export function metafieldsSet(args: { metafields: MetafieldsSetInput[] }, context: ResolverContext) {
  const { store } = context;
  const errors: UserErrorView[] = [];
  const error = (index: number | null, field: string | null, message: string, code: string) =>
    errors.push(
      userError(
        "MetafieldsSetUserError",
        index === null ? ["metafields"] : ["metafields", String(index), ...(field ? [field] : [])],
        message,
        code,
        { elementIndex: index },
      ),
    );

  if (args.metafields.length > MAX_METAFIELDS_PER_CALL) {
    error(null, null, `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_CALL}.`, "LESS_THAN_OR_EQUAL_TO");
  }
  const resolved = args.metafields.map((input, index) => {
    const namespace = resolveNamespace(store, input.namespace);
    const existing = store.findMetafield(input.ownerId, namespace, input.key);
    const type = input.type ?? existing?.type ?? null;
    if (!ownerExists(store, input.ownerId)) error(index, "ownerId", "Owner does not exist.", "INVALID");
    if (!input.key?.trim()) error(index, "key", "Key can't be blank.", "BLANK");
    if (!type) error(index, "type", "Type can't be blank.", "BLANK");
    else if (!isKnownType(type)) error(index, "type", `Type '${type}' is not a valid type.`, "INVALID_TYPE");
    else {
      const reason = invalidValueReason(type, input.value);
      if (reason) error(index, "value", reason, "INVALID_VALUE");
    }
    if (input.compareDigest != null && (!existing || compareDigest(existing) !== input.compareDigest)) {
      error(
        index,
        null,
        "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
        "STALE_OBJECT",
      );
    }
    return { input, namespace, type: type ?? "" };
  });
  if (errors.length) return { __typename: "MetafieldsSetPayload", metafields: [], userErrors: errors };

  const records = resolved.map(({ input, namespace, type }) =>
    store.setMetafield({ ownerGid: input.ownerId, namespace, key: input.key, type, value: input.value }),
  );
  return { __typename: "MetafieldsSetPayload", metafields: records.map(metafieldView), userErrors: [] };
}

/**
 * Deletes metafields by owner, namespace and key. Like Shopify, a metafield that does not
 * exist is no error: its entry in `deletedMetafields` is null.
 */
export function metafieldsDelete(
  args: { metafields: Array<{ ownerId: string; namespace: string; key: string }> },
  context: ResolverContext,
) {
  const { store } = context;
  if (args.metafields.length > MAX_METAFIELDS_PER_CALL) {
    return {
      __typename: "MetafieldsDeletePayload",
      deletedMetafields: null,
      userErrors: [userError("UserError", ["metafields"], `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_CALL}.`)],
    };
  }
  const deletedMetafields = args.metafields.map((input) => {
    const namespace = resolveNamespace(store, input.namespace);
    return store.deleteMetafield(input.ownerId, namespace, input.key)
      ? { __typename: "MetafieldIdentifier", ownerId: input.ownerId, namespace, key: input.key }
      : null;
  });
  return { __typename: "MetafieldsDeletePayload", deletedMetafields, userErrors: [] };
}
