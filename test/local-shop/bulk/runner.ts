import {
  execute,
  getNamedType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { isConnectionType } from "../cost";
import type { BulkOperationRecord } from "../records";
import { queryRoot, strictFieldResolver, type LocalShopServices, type ResolverContext } from "../resolvers";
import { loadOfflineScopes } from "../schema";
import { findAccessViolations } from "../scopes";
import type { LocalShopStore } from "../store";
import { addTypeProbes, JsonlWriter } from "./jsonl";
import { checkBulkQuery } from "./rules";

/** API 2026-01 and later let an app run up to five bulk queries per shop at once. */
export const MAX_CONCURRENT_BULK_QUERIES = 5;

export interface BulkRunnerOptions {
  /** Root objects per execution chunk (default 100). */
  chunkSize?: number;
  /** Pause between chunks, so RUNNING and a growing objectCount are observable (default 10 ms). */
  chunkDelayMs?: number;
  /**
   * Awaited before each chunk (0, 1, …) of a chunked query: a test holds an export
   * mid-way with it (and releases it) instead of relying on delays.
   */
  chunkGate?: (chunk: number) => Promise<void> | void;
  /** Called once an operation is COMPLETED, FAILED or CANCELED (e.g. to send the webhook). */
  onFinish?: (operation: BulkOperationRecord) => void;
}

type UserErrors = { userErrors: { field: string[]; message: string; code: string }[] };

const ACTIVE = new Set(["CREATED", "RUNNING", "CANCELING"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs bulk queries in the background, chunk by chunk, into JSONL kept in memory. */
export class BulkQueryRunner {
  private readonly chunkSize: number;
  private readonly chunkDelayMs: number;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly store: LocalShopStore,
    private readonly services: () => LocalShopServices,
    private readonly options: BulkRunnerOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? 100;
    this.chunkDelayMs = options.chunkDelayMs ?? 10;
  }

  start(query: string): { operationId: number } | UserErrors {
    const active = [...this.store.bulkOperations.values()].filter((op) => ACTIVE.has(op.status));
    if (active.length >= MAX_CONCURRENT_BULK_QUERIES) {
      return {
        userErrors: [
          {
            field: ["query"],
            message: `A maximum of ${MAX_CONCURRENT_BULK_QUERIES} bulk query operations can run at the same time.`,
            code: "LIMIT_REACHED",
          },
        ],
      };
    }
    const checked = checkBulkQuery(this.schema, query);
    if ("problems" in checked) return { userErrors: checked.problems };

    const record: BulkOperationRecord = {
      id: this.store.nextId("BulkOperation"),
      type: "QUERY",
      query,
      status: "CREATED",
      errorCode: null,
      createdAt: this.store.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      lines: [],
      fileSize: null,
      url: null,
      partialDataUrl: null,
      cancelRequested: false,
      failureMessages: [],
    };
    this.store.bulkOperations.set(record.id, record);
    const run = this.run(record, checked.operation, checked.document).finally(() => this.running.delete(run));
    this.running.add(run);
    return { operationId: record.id };
  }

  /** Resolves when every started operation has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private async run(record: BulkOperationRecord, operation: OperationDefinitionNode, document: DocumentNode) {
    await sleep(this.chunkDelayMs);
    try {
      if (record.cancelRequested) return this.finish(record, "CANCELED");
      record.status = "RUNNING";
      const violations = findAccessViolations(this.schema, document, operation, loadOfflineScopes(), (s) =>
        this.store.hasScope(s),
      );
      if (violations.length) {
        record.failureMessages = violations.map((v) => v.message);
        return this.finish(record, "FAILED", "ACCESS_DENIED");
      }

      const probed = addTypeProbes(document);
      const probedOperation = probed.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
      const writer = new JsonlWriter(this.schema, probed, probedOperation);
      const rootField = operation.selectionSet.selections[0] as FieldNode;
      const rootDefinition = this.schema.getQueryType()!.getFields()[rootField.name.value];
      const chunked = isConnectionType(getNamedType(rootDefinition.type));

      for (let offset = 0; ; offset += this.chunkSize) {
        if (chunked) await this.options.chunkGate?.(offset / this.chunkSize);
        if (record.cancelRequested) return this.finish(record, "CANCELED");
        const context: ResolverContext = {
          store: this.store,
          services: this.services(),
          bulk: { rootSlice: chunked ? { offset, limit: this.chunkSize } : null, rootTotal: null },
        };
        const result = await execute({
          schema: this.schema,
          document: probed,
          rootValue: queryRoot,
          contextValue: context,
          fieldResolver: strictFieldResolver,
        });
        if (result.errors?.length || !result.data) {
          record.failureMessages = (result.errors ?? []).map((e) => e.message);
          return this.finish(record, "FAILED", "INTERNAL_SERVER_ERROR");
        }
        const { lines, rootObjectCount } = writer.write(result.data as Record<string, unknown>);
        record.lines.push(...lines);
        record.objectCount += lines.length;
        record.rootObjectCount += rootObjectCount;
        const total = context.bulk?.rootTotal ?? 0;
        if (!chunked || offset + this.chunkSize >= total) break;
        await sleep(this.chunkDelayMs);
      }
      this.finish(record, "COMPLETED");
    } catch (error) {
      record.failureMessages = [(error as Error).message];
      this.finish(record, "FAILED", "INTERNAL_SERVER_ERROR");
    }
  }

  private finish(
    record: BulkOperationRecord,
    status: "COMPLETED" | "FAILED" | "CANCELED",
    errorCode: BulkOperationRecord["errorCode"] = null,
  ): void {
    record.status = status;
    record.errorCode = errorCode;
    record.completedAt = this.store.now();
    const url = `${this.services().baseUrl()}/bulk/${record.id}.jsonl`;
    const hasData = record.lines.length > 0;
    // Shopify gives no file (url null) when the query matched nothing.
    record.fileSize = hasData ? Buffer.byteLength(jsonlText(record)) : null;
    record.url = status === "COMPLETED" && hasData ? url : null;
    record.partialDataUrl = status !== "COMPLETED" && hasData ? url : null;
    if (status === "FAILED") {
      console.warn(`local shop: bulk operation ${record.id} failed: ${record.failureMessages.join("; ")}`);
    }
    this.options.onFinish?.(record);
  }
}

/** The JSONL file: one object per line, newline-terminated. */
export function jsonlText(record: BulkOperationRecord): string {
  return record.lines.length ? `${record.lines.join("\n")}\n` : "";
}
