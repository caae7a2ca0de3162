import type { LocalShopStore } from "../store";

/** What a running bulk query tells the resolvers (see bulk/runner.ts). */
export interface BulkExecution {
  /** Root connection window of the current chunk; nested connections return everything. */
  rootSlice: { offset: number; limit: number } | null;
  /** Set by the root connection: how many root objects match in total. */
  rootTotal: number | null;
}

/** Services resolvers need beyond the store (implemented by the server). */
export interface LocalShopServices {
  /** http://127.0.0.1:PORT of the running local shop. */
  baseUrl(): string;
  startBulkQuery(query: string): { operationId: number } | { userErrors: { field: string[]; message: string; code: string }[] };
  /** Finishes a `discountRedeemCodeBulkAdd` a little later, as Shopify does. */
  scheduleRedeemCodeBulkCreation(creationId: number): void;
  /** Runs a job's work a little later, then marks the job done (Shopify's jobs are asynchronous). */
  runJobLater(jobId: string, work: () => void): void;
}

export interface ResolverContext {
  store: LocalShopStore;
  services: LocalShopServices;
  bulk: BulkExecution | null;
}
