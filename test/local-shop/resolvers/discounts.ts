import type { GraphQLResolveInfo } from "graphql";
import { idOf } from "../ids";
import type { CodeDiscountRecord, DiscountUserErrorRecord, RedeemCodeBulkCreationRecord } from "../records";
import { compileSearchQuery, stringMatcher, stringMatches, type SearchFilters } from "../search-query";
import type { LocalShopStore } from "../store";
import { countView, paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { badArgument, notImplemented } from "./errors";
import {
  checkCode,
  CODE_TAKEN_MESSAGE,
  MAX_CODE_LENGTH,
  discountInputError,
  parseDiscountInput,
  type DiscountCodeBasicInput,
} from "./discount-input";
import {
  discountCodeNodeView,
  discountNodeView,
  discountStatus,
  discountUserErrorView,
  redeemCodeBulkCreationView,
  REDEEM_CODE_FILTERS,
} from "./discount-views";

export { discountCodeNodeView, redeemCodeBulkCreationView } from "./discount-views";

export const MAX_REDEEM_CODES_PER_BULK_ADD = 250;

function payload(typename: string, record: CodeDiscountRecord | null, errors: DiscountUserErrorRecord[]) {
  return {
    __typename: typename,
    codeDiscountNode: record && errors.length === 0 ? discountCodeNodeView(record) : null,
    userErrors: errors.map(discountUserErrorView),
  };
}

function findDiscount(store: LocalShopStore, id: string): CodeDiscountRecord | undefined {
  const numeric = idOf(id, "DiscountCodeNode");
  return numeric === undefined ? undefined : store.discount(numeric);
}

const notFound = (field: string) => ({ field: [field], message: "Discount does not exist", code: "INVALID" });

// ---- resolvers --------------------------------------------------------------------------

export const discountMutations = {
  discountCodeBasicCreate: (args: { basicCodeDiscount: DiscountCodeBasicInput }, context: ResolverContext) => {
    const { store } = context;
    const errors: DiscountUserErrorRecord[] = [];
    const parsed = parseDiscountInput(args.basicCodeDiscount, null, store, errors);
    checkCode(args.basicCodeDiscount.code, store, null, errors);
    if (errors.length) return payload("DiscountCodeBasicCreatePayload", null, errors);
    const now = store.now();
    const record = store.addCodeDiscount(
      { ...parsed, createdAt: now, updatedAt: now, input: { ...args.basicCodeDiscount } },
      [args.basicCodeDiscount.code!.trim()],
    );
    return payload("DiscountCodeBasicCreatePayload", record, []);
  },

  discountCodeBasicUpdate: (args: { id: string; basicCodeDiscount: DiscountCodeBasicInput }, context: ResolverContext) => {
    const { store } = context;
    const record = findDiscount(store, args.id);
    if (!record) return payload("DiscountCodeBasicUpdatePayload", null, [notFound("id")]);
    const errors: DiscountUserErrorRecord[] = [];
    const parsed = parseDiscountInput(args.basicCodeDiscount, record, store, errors);
    const newCode = args.basicCodeDiscount.code;
    if (newCode !== undefined) {
      checkCode(newCode, store, record, errors);
      if (record.codes.length > 1) {
        errors.push(discountInputError(["code"], "Code can only be changed on discounts with a single code", "INVALID"));
      }
    }
    if (errors.length) return payload("DiscountCodeBasicUpdatePayload", null, errors);
    Object.assign(record, parsed, {
      updatedAt: store.now(),
      input: { ...record.input, ...args.basicCodeDiscount },
    });
    if (newCode != null && record.codes[0]) store.renameRedeemCode(record.id, record.codes[0], newCode);
    return payload("DiscountCodeBasicUpdatePayload", record, []);
  },

  discountCodeActivate: (args: { id: string }, context: ResolverContext) => {
    const { store } = context;
    const record = findDiscount(store, args.id);
    if (!record) return payload("DiscountCodeActivatePayload", null, [notFound("id")]);
    const now = store.now();
    if (record.startsAt > now) record.startsAt = now;
    record.endsAt = null;
    record.updatedAt = now;
    return payload("DiscountCodeActivatePayload", record, []);
  },

  discountCodeDeactivate: (args: { id: string }, context: ResolverContext) => {
    const { store } = context;
    const record = findDiscount(store, args.id);
    if (!record) return payload("DiscountCodeDeactivatePayload", null, [notFound("id")]);
    const now = store.now();
    // Deactivating ends the discount now; a scheduled one is moved to start (and end) now.
    if (record.startsAt > now) record.startsAt = now;
    record.endsAt = now;
    record.updatedAt = now;
    return payload("DiscountCodeDeactivatePayload", record, []);
  },

  /**
   * Queues codes; Shopify creates them asynchronously and reports per-code errors on the
   * `DiscountRedeemCodeBulkCreation`, which becomes `done` shortly after.
   */
  discountRedeemCodeBulkAdd: (args: { discountId: string; codes: { code: string }[] }, context: ResolverContext) => {
    const { store } = context;
    const result = (bulkCreation: object | null, errors: DiscountUserErrorRecord[]) => ({
      __typename: "DiscountRedeemCodeBulkAddPayload",
      bulkCreation,
      userErrors: errors.map(discountUserErrorView),
    });
    const discount = findDiscount(store, args.discountId);
    if (!discount) return result(null, [notFound("discountId")]);
    if (args.codes.length > MAX_REDEEM_CODES_PER_BULK_ADD) {
      return result(null, [
        {
          field: ["codes"],
          message: `Codes can't exceed ${MAX_REDEEM_CODES_PER_BULK_ADD} per request`,
          code: "TOO_MANY_ARGUMENTS",
        },
      ]);
    }
    if (args.codes.length === 0) return result(null, [{ field: ["codes"], message: "Codes can't be blank", code: "BLANK" }]);
    const creation: RedeemCodeBulkCreationRecord = {
      id: store.nextId("DiscountRedeemCodeBulkCreation"),
      discountId: discount.id,
      createdAt: store.now(),
      done: false,
      codes: args.codes.map((c) => ({ code: c.code, redeemCodeId: null, errors: [] })),
    };
    store.redeemCodeBulkCreations.set(creation.id, creation);
    context.services.scheduleRedeemCodeBulkCreation(creation.id);
    return result(redeemCodeBulkCreationView(creation), []);
  },
};

/** Runs a queued bulk creation: each code is created or gets its own errors. */
export function completeRedeemCodeBulkCreation(store: LocalShopStore, creationId: number): void {
  const creation = store.redeemCodeBulkCreations.get(creationId);
  const discount = creation && store.discount(creation.discountId);
  if (!creation || creation.done) return;
  for (const entry of creation.codes) {
    const code = entry.code.trim();
    const error = (message: string, errorCode: string) =>
      entry.errors.push({ field: ["code"], message, code: errorCode });
    if (!discount) error("Discount does not exist", "INVALID");
    else if (!code) error("Code can't be blank", "BLANK");
    else if (code.length > MAX_CODE_LENGTH) error(`Code is too long (maximum is ${MAX_CODE_LENGTH} characters)`, "TOO_LONG");
    else if (store.findRedeemCode(code)) error(CODE_TAKEN_MESSAGE, "TAKEN");
    else entry.redeemCodeId = store.addRedeemCode(discount.id, code).id;
  }
  creation.done = true;
}

function discountFilters(store: LocalShopStore): SearchFilters<CodeDiscountRecord> {
  return {
    resource: "discounts",
    fields: {
      title: stringMatcher((d) => d.title),
      code: (d, _c, value) => d.codes.some((c) => stringMatches(c.code, value)),
      status: (d, _c, value) => discountStatus(d, store.now()).toLowerCase() === value.toLowerCase(),
      discount_type: (_d, _c, value) => value.toLowerCase() === "basic" || value.toLowerCase() === "code",
      type: (_d, _c, value) => value.toLowerCase() === "basic" || value.toLowerCase() === "code",
      method: (_d, _c, value) => value.toLowerCase() === "code",
    },
    text: (d, value) =>
      d.title.toLowerCase().includes(value.toLowerCase()) || d.codes.some((c) => stringMatches(c.code, value)),
  };
}

const DISCOUNT_SORT_KEYS: Record<string, (d: CodeDiscountRecord) => number | string> = {
  ID: (d) => d.id,
  CREATED_AT: (d) => d.createdAt,
  UPDATED_AT: (d) => d.updatedAt,
  STARTS_AT: (d) => d.startsAt,
  ENDS_AT: (d) => d.endsAt ?? Number.MAX_SAFE_INTEGER,
  TITLE: (d) => d.title.toLowerCase(),
  RELEVANCE: (d) => d.id,
};

function discountList(
  args: ConnectionArgs & { query?: string | null; sortKey?: string | null; savedSearchId?: string | null },
  store: LocalShopStore,
) {
  if (args.savedSearchId) throw notImplemented("discounts savedSearchId");
  const key = DISCOUNT_SORT_KEYS[args.sortKey ?? "ID"];
  if (!key) throw badArgument(`local shop: discounts sortKey ${args.sortKey} is not implemented`);
  const matches = compileSearchQuery(args.query, discountFilters(store));
  return sortRecords(store.discounts.filter(matches), key, args.reverse);
}

export const discountQueries = {
  codeDiscountNode: (args: { id: string }, context: ResolverContext) => {
    const record = findDiscount(context.store, args.id);
    return record ? discountCodeNodeView(record) : null;
  },
  codeDiscountNodeByCode: (args: { code: string }, context: ResolverContext) => {
    const hit = context.store.findRedeemCode(args.code);
    return hit ? discountCodeNodeView(hit.discount) : null;
  },
  discountNode: (args: { id: string }, context: ResolverContext) => {
    const record = findDiscount(context.store, args.id);
    return record ? discountNodeView(record) : null;
  },
  codeDiscountNodes: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, context: ResolverContext, info: GraphQLResolveInfo) =>
    paginate(discountList(args, context.store), args, context, info, "DiscountCodeNode", discountCodeNodeView),
  discountNodes: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, context: ResolverContext, info: GraphQLResolveInfo) =>
    paginate(discountList(args, context.store), args, context, info, "DiscountNode", discountNodeView),
  discountNodesCount: (args: { query?: string | null; limit?: number | null }, context: ResolverContext) =>
    countView(discountList({ query: args.query }, context.store).length, args.limit),
  discountCodesCount: (args: { query?: string | null; limit?: number | null }, context: ResolverContext) => {
    const matches = compileSearchQuery(args.query, REDEEM_CODE_FILTERS);
    const total = context.store.discounts.flatMap((d) => d.codes).filter(matches).length;
    return countView(total, args.limit);
  },
  discountRedeemCodeBulkCreation: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "DiscountRedeemCodeBulkCreation");
    const record = id === undefined ? undefined : context.store.redeemCodeBulkCreations.get(id);
    return record ? redeemCodeBulkCreationView(record) : null;
  },
};

