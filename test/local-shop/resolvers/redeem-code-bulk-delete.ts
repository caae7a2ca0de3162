import { GraphQLError } from "graphql";
import { idOf } from "../ids";
import type { DiscountUserErrorRecord, JobRecord, RedeemCodeRecord } from "../records";
import { compileSearchQuery } from "../search-query";
import type { ResolverContext } from "./context";
import { discountUserErrorView, REDEEM_CODE_FILTERS } from "./discount-views";
import { jobView } from "./jobs";

/** Shopify refuses longer list arguments before running anything. */
const MAX_INPUT_ARRAY_SIZE = 250;

interface BulkDeleteArgs {
  discountId: string;
  ids?: string[] | null;
  search?: string | null;
  savedSearchId?: string | null;
}

function payload(job: JobRecord | null, errors: DiscountUserErrorRecord[]) {
  return {
    __typename: "DiscountCodeRedeemCodeBulkDeletePayload",
    job: job && jobView(job),
    userErrors: errors.map(discountUserErrorView),
  };
}

const error = (field: string[] | null, message: string, code: string | null): DiscountUserErrorRecord => ({
  field,
  message,
  code,
});

/** Which codes the arguments select, or the userError Shopify answers instead. */
function selector(args: BulkDeleteArgs): ((code: RedeemCodeRecord) => boolean) | DiscountUserErrorRecord {
  if (args.savedSearchId !== undefined) {
    // The local shop keeps no saved searches, so every id is one Shopify would not find.
    return error(["savedSearchId"], "Invalid 'saved_search_id'.", "INVALID");
  }
  if (args.search !== undefined) {
    if (!args.search?.trim()) return error(["search"], "'Search' can't be blank.", "BLANK");
    // Compiled now, so an unknown filter fails this request loudly rather than the job later.
    return compileSearchQuery(args.search, REDEEM_CODE_FILTERS);
  }
  const ids = args.ids ?? [];
  if (ids.length === 0) return error(null, "Something went wrong, please try again.", null);
  if (ids.length > MAX_INPUT_ARRAY_SIZE) {
    throw new GraphQLError(
      `The input array size of ${ids.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY_SIZE}.`,
      { extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } },
    );
  }
  // Ids of other discounts' codes (or of anything else) are skipped, not reported.
  const wanted = new Set(ids.map((id) => idOf(id, "DiscountRedeemCode")));
  return (code) => wanted.has(code.id);
}

export const redeemCodeBulkDeleteMutations = {
  /**
   * Deletes a code discount's redeem codes in a background job: the payload has a `job` that
   * is not done yet; the codes disappear (and are free again) when it finishes.
   */
  discountCodeRedeemCodeBulkDelete: (args: BulkDeleteArgs, context: ResolverContext) => {
    const { store } = context;
    // Shopify counts an argument as given when its key is present, even as an explicit null
    // variable: `{ ids: [...], search: null }` is "only one of …".
    const given = (["ids", "search", "savedSearchId"] as const).filter((key) => args[key] !== undefined);
    if (given.length === 0) {
      return payload(null, [error(null, "Missing expected argument key: 'ids', 'search' or 'saved_search_id'.", "MISSING_ARGUMENT")]);
    }
    if (given.length > 1) {
      return payload(null, [error(null, "Only one of 'ids', 'search' or 'saved_search_id' is allowed.", "TOO_MANY_ARGUMENTS")]);
    }
    const discountId = idOf(args.discountId, "DiscountCodeNode");
    const discount = discountId === undefined ? undefined : store.discount(discountId);
    if (!discount) return payload(null, [error(["discountId"], "Code discount does not exist.", "INVALID")]);
    const select = selector(args);
    if (typeof select !== "function") return payload(null, [select]);

    const job = store.addJob("discountCodeRedeemCodeBulkDelete");
    // The selection is applied when the job runs, to the codes the discount has by then.
    context.services.runJobLater(job.id, () => {
      const current = store.discount(discount.id);
      for (const code of current?.codes.filter(select) ?? []) store.removeRedeemCode(discount.id, code.id);
    });
    return payload(job, []);
  },
};
