import type { GraphQLResolveInfo } from "graphql";
import { gid, idOf } from "../ids";
import type { BulkOperationRecord } from "../records";
import { compileSearchQuery, dateMatcher, stringMatcher, type SearchFilters } from "../search-query";
import { paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { userError } from "./errors";
import { isoTime, isoTimeOrNull } from "./time";

export function bulkOperationView(record: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", record.id),
    type: record.type,
    status: record.status,
    errorCode: record.errorCode,
    query: record.query,
    createdAt: isoTime(record.createdAt),
    completedAt: isoTimeOrNull(record.completedAt),
    objectCount: String(record.objectCount),
    rootObjectCount: String(record.rootObjectCount),
    fileSize: record.fileSize === null ? null : String(record.fileSize),
    url: record.url,
    partialDataUrl: record.partialDataUrl,
  };
}

const FINISHED = new Set(["CANCELED", "COMPLETED", "EXPIRED", "FAILED"]);

const bulkFilters: SearchFilters<BulkOperationRecord> = {
  resource: "bulkOperations",
  fields: {
    status: stringMatcher((op) => op.status),
    operation_type: stringMatcher((op) => op.type),
    created_at: dateMatcher((op) => op.createdAt),
  },
  text: () => true,
};

export const bulkOperationQueries = {
  bulkOperation: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "BulkOperation");
    const record = id === undefined ? undefined : context.store.bulkOperations.get(id);
    return record ? bulkOperationView(record) : null;
  },
  /** The app's most recent bulk operation of that type (the local shop only runs queries). */
  currentBulkOperation: (args: { type?: string | null }, context: ResolverContext) => {
    if ((args.type ?? "QUERY") !== "QUERY") return null;
    const all = [...context.store.bulkOperations.values()];
    return all.length ? bulkOperationView(all[all.length - 1]) : null;
  },
  bulkOperations: (
    args: ConnectionArgs & { query?: string | null; sortKey?: string | null },
    context: ResolverContext,
    info: GraphQLResolveInfo,
  ) => {
    const matches = compileSearchQuery(args.query, bulkFilters);
    const records = sortRecords(
      [...context.store.bulkOperations.values()].filter(matches),
      (op) => (args.sortKey === "COMPLETED_AT" ? (op.completedAt ?? 0) : op.createdAt),
      args.reverse,
    );
    return paginate(records, args, context, info, "BulkOperation", bulkOperationView);
  },
};

export const bulkOperationMutations = {
  bulkOperationRunQuery: (args: { query: string; groupObjects?: boolean | null }, context: ResolverContext) => {
    // The local shop always writes parents before their children (which is also "grouped").
    const started = context.services.startBulkQuery(args.query);
    if ("userErrors" in started) {
      return {
        __typename: "BulkOperationRunQueryPayload",
        bulkOperation: null,
        userErrors: started.userErrors.map((e) => userError("BulkOperationUserError", e.field, e.message, e.code)),
      };
    }
    const record = context.store.bulkOperations.get(started.operationId)!;
    return { __typename: "BulkOperationRunQueryPayload", bulkOperation: bulkOperationView(record), userErrors: [] };
  },
  bulkOperationCancel: (args: { id: string }, context: ResolverContext) => {
    const id = idOf(args.id, "BulkOperation");
    const record = id === undefined ? undefined : context.store.bulkOperations.get(id);
    if (!record) {
      return {
        __typename: "BulkOperationCancelPayload",
        bulkOperation: null,
        userErrors: [userError("UserError", ["id"], "Bulk operation does not exist")],
      };
    }
    if (FINISHED.has(record.status)) {
      return {
        __typename: "BulkOperationCancelPayload",
        bulkOperation: bulkOperationView(record),
        userErrors: [
          userError("UserError", null, `A bulk operation cannot be canceled when it is ${record.status.toLowerCase()}`),
        ],
      };
    }
    record.cancelRequested = true;
    record.status = "CANCELING";
    return { __typename: "BulkOperationCancelPayload", bulkOperation: bulkOperationView(record), userErrors: [] };
  },
};
