/**
 * The ways past Prisma, for hot paths where Prisma's per-statement cost is larger than
 * the database's: bulk writes of many rows through one prepared statement (the history
 * ingest, the webhook inbox), and a Prisma transaction's raw statements run straight on
 * its connection (the inbox processor, `directRawStatements`). Dialect-neutral: the SQL is
 * ordinary parameterised SQL with `?` placeholders. SQLite: serialized-sqlite.server.ts,
 * on Prisma's one connection. PostgreSQL: postgres-bulk.server.ts, multi-row INSERTs in a
 * transaction on a pooled connection. Everything else keeps using Prisma.
 */
import type { Prisma } from "@prisma/client";

export type BulkValue = string | number | bigint | null;

export interface BulkTransaction {
  /** Runs `sql` once per row of parameters (one prepared statement). Returns rows changed. */
  executeMany(sql: string, rows: Iterable<readonly BulkValue[]>): Promise<number>;
  /**
   * Inserts `rows` (all of one width) several per statement: `insert(values)` returns the
   * INSERT for one VALUES list such as `(?, ?), (?, ?)`, with any ON CONFLICT clause.
   * Rows are applied in order, so a later row with the same key meets the earlier one's
   * conflict clause, as it would one statement per row (PostgreSQL refuses to update a row
   * twice in one statement, so its implementation starts a new statement at a row whose
   * first value is already in the current one: put a key column first).
   * Returns rows changed.
   */
  insertMany(insert: (values: string) => string, rows: readonly (readonly BulkValue[])[]): Promise<number>;
  /** Runs `sql` once. Returns rows changed. */
  execute(sql: string, ...parameters: BulkValue[]): Promise<number>;
  /** Runs a query. */
  query<Row>(sql: string, ...parameters: BulkValue[]): Promise<Row[]>;
}

export interface BulkTransactionOptions {
  /**
   * The commit must survive a power cut before this resolves (synchronous = FULL on SQLite):
   * for writes acknowledged to someone else, e.g. the webhook inbox. Default false: bulk
   * writes whose loss the writer recovers from itself (the history ingest) skip the fsync.
   */
  durable?: boolean;
}

export interface BulkWriter {
  /**
   * Runs `work` as one transaction on the app's database, in turn with Prisma's own
   * statements and transactions (never inside one of them). Commits when `work` resolves,
   * rolls back when it throws.
   */
  transaction<T>(work: (tx: BulkTransaction) => Promise<T>, options?: BulkTransactionOptions): Promise<T>;
  /**
   * Runs `work` (a long run of bulk transactions) with the database's own upkeep of what
   * they write moved off this thread where the database allows it. SQLite: the write-ahead
   * log is copied back into the database file by a second connection on a worker thread
   * rather than by the commits themselves (see serialized-sqlite.server.ts). PostgreSQL:
   * just runs `work`.
   *
   * `lingerMs`: after the last run ends, the background connection stays this long before
   * the commits take checkpoints back, so that runs following each other closely (the
   * webhook inbox processor's, many a second under load) neither start a worker each nor
   * checkpoint on their commits in between.
   */
  withBackgroundCheckpoints<T>(work: () => Promise<T>, options?: { lingerMs?: number }): Promise<T>;
  /**
   * The (first) Prisma transaction started inside `work` commits without waiting for the disk: still
   * atomic and safe from a process crash, but a power cut may lose the last of them. Only
   * for work that is redone when lost (the webhook inbox processor: its rows stay pending
   * until the commit that applied them). A later durable commit makes them durable too.
   * SQLite: synchronous = NORMAL for those transactions. PostgreSQL: SET LOCAL
   * synchronous_commit = off.
   */
  withoutWaitingForDisk<T>(work: () => Promise<T>): Promise<T>;
  /**
   * `tx`, a Prisma interactive transaction's client, with its raw statements
   * (`$queryRawUnsafe`, `$executeRawUnsafe`) run straight on the transaction's connection:
   * same SQL, parameters and results (rows typed as Prisma types them), same transaction,
   * without Prisma's query pipeline, which costs several times what most of these
   * statements cost to run (the webhook inbox processor's hot path runs ~50 a batch).
   * Everything else on `tx` is Prisma's. SQLite only (its connection is in this process);
   * PostgreSQL returns `tx` itself.
   */
  directRawStatements(tx: Prisma.TransactionClient): Prisma.TransactionClient;
}
