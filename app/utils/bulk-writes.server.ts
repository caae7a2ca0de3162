/**
 * The way past Prisma for bulk loads (the history ingest): transactions on a connection of
 * the app's pool that stream rows with COPY, which Prisma cannot do, beside statements
 * written as Prisma tagged templates (`Prisma.sql`). Everything else uses Prisma.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Prisma } from "@prisma/client";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pool } from "../db.server";

export interface BulkTransaction {
  /** Runs a statement. Returns rows changed. */
  execute(statement: Prisma.Sql): Promise<number>;
  /** Runs a query. */
  query<Row>(statement: Prisma.Sql): Promise<Row[]>;
  /**
   * Appends rows to `table` with COPY … FROM STDIN: `data` in COPY's text format (one row
   * a line, `columns` in order, tab-separated, `\N` for null). Returns rows copied.
   */
  copy(table: string, columns: readonly string[], data: Uint8Array | string): Promise<number>;
  /**
   * Runs `work` inside a savepoint: when it throws, only its statements are rolled back
   * (the transaction goes on) and the error is rethrown.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}

export interface BulkTransactionOptions {
  /**
   * The commit must survive a power cut before this resolves: for writes acknowledged to
   * someone else. Default false: bulk writes whose loss the writer recovers from itself
   * (the history ingest resumes from its last recorded line) skip waiting for the disk.
   */
  durable?: boolean;
}

export interface BulkWriter {
  /**
   * Runs `work` as one transaction on a connection of the app's pool (the one Prisma's
   * adapter uses), beside Prisma's own. Commits when `work` resolves, rolls back when it
   * throws.
   */
  transaction<T>(work: (tx: BulkTransaction) => Promise<T>, options?: BulkTransactionOptions): Promise<T>;
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

function bulkTransaction(client: pg.PoolClient): BulkTransaction {
  let savepoints = 0;
  return {
    async execute(statement) {
      return (await client.query(statement.text, statement.values as unknown[])).rowCount ?? 0;
    },
    async query<Row>(statement: Prisma.Sql) {
      return (await client.query(statement.text, statement.values as unknown[])).rows as Row[];
    },
    async copy(table, columns, data) {
      const stream = client.query(
        copyFrom(`COPY ${quoted(table)} (${columns.map(quoted).join(", ")}) FROM STDIN`),
      );
      await pipeline(Readable.from([typeof data === "string" ? Buffer.from(data) : data]), stream);
      return stream.rowCount;
    },
    async savepoint(work) {
      const name = `bulk_savepoint_${++savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await work();
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
}

function bulkWriter(pool: pg.Pool): BulkWriter {
  return {
    async transaction(work, options) {
      const client = await pool.connect();
      // A connection that cannot even roll back (lost mid-COPY) is closed, not reused.
      let broken = false;
      try {
        await client.query("BEGIN");
        if (!options?.durable) await client.query("SET LOCAL synchronous_commit = off");
        const result = await work(bulkTransaction(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => void (broken = true));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** Bulk loads on the app's database, in transactions of their own. */
export const bulkWrites = bulkWriter(pool);

