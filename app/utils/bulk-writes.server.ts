/**
 * The way past Prisma for many-row writes (the history ingest, the webhook inbox), where
 * Prisma's per-statement cost is larger than the database's: parameterised SQL with `?`
 * placeholders, run as multi-row INSERTs in a transaction on a connection of the app's
 * pool. Everything else uses Prisma.
 */
import type pg from "pg";
import { pool } from "../db.server";
import { numberedPlaceholders } from "./sql-placeholders";

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
   * The commit must survive a power cut before this resolves: for writes acknowledged to
   * someone else, e.g. the webhook inbox. Default false: bulk writes whose loss the writer
   * recovers from itself (the history ingest) commit without waiting for the disk.
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
}


/**
 * Rows per multi-row INSERT on PostgreSQL: one round trip carries this many rows, far
 * below the protocol's 65,535 parameters for the app's widest rows (11 values).
 */
const ROWS_PER_INSERT = 500;

/**
 * The BulkWriter: each transaction takes a connection of the app's pool (the one Prisma's
 * adapter uses) and runs BEGIN … COMMIT on it, so it is a real transaction beside Prisma's
 * own. `?` placeholders become `$1, $2, …`.
 */
function bulkWriter(pool: pg.Pool): BulkWriter {
  return {
    async transaction(work, options) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        if (!options?.durable) await client.query("SET LOCAL synchronous_commit = off");
        const result = await work(bulkTransaction(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

function bulkTransaction(client: pg.PoolClient): BulkTransaction {
  const run = async (sql: string, parameters: readonly BulkValue[]) =>
    (await client.query(sql, parameters as BulkValue[])).rowCount ?? 0;
  return {
    async executeMany(sql, rows) {
      const text = numberedPlaceholders(sql);
      let changes = 0;
      for (const row of rows) changes += await run(text, row);
      return changes;
    },
    async insertMany(insert, rows) {
      let changes = 0;
      for (const chunk of chunksWithoutRepeatedKeys(rows)) {
        const width = chunk[0].length;
        const parameters: BulkValue[] = [];
        for (const row of chunk) {
          if (row.length !== width) throw new Error(`insertMany: rows of ${width} and ${row.length} values`);
          parameters.push(...row);
        }
        const values = new Array(chunk.length).fill(`(${new Array(width).fill("?").join(", ")})`).join(", ");
        changes += await run(numberedPlaceholders(insert(values)), parameters);
      }
      return changes;
    },
    async execute(sql, ...parameters) {
      return run(numberedPlaceholders(sql), parameters);
    },
    async query<Row>(sql: string, ...parameters: BulkValue[]) {
      return (await client.query(numberedPlaceholders(sql), parameters)).rows as Row[];
    },
  };
}

/**
 * Rows in order, cut into statements of at most ROWS_PER_INSERT rows, and cut before a row
 * whose first value (part of the conflict key in every caller: an order, customer or shop
 * id) is already in the statement: PostgreSQL refuses to update a row twice in one
 * INSERT … ON CONFLICT, and in separate statements the later row meets the earlier one's
 * conflict clause.
 */
function* chunksWithoutRepeatedKeys(rows: readonly (readonly BulkValue[])[]) {
  let chunk: (readonly BulkValue[])[] = [];
  let keys = new Set<string>();
  for (const row of rows) {
    const key = String(row[0]);
    if (chunk.length >= ROWS_PER_INSERT || keys.has(key)) {
      yield chunk;
      chunk = [];
      keys = new Set();
    }
    chunk.push(row);
    keys.add(key);
  }
  if (chunk.length > 0) yield chunk;
}

/** Many-row writes on the app's database, in transactions of their own. */
export const bulkWrites = bulkWriter(pool);
