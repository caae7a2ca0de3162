import type pg from "pg";
import type { BulkTransaction, BulkValue, BulkWriter } from "./bulk-writes.server";
import { numberedPlaceholders } from "./sql-placeholders";

/**
 * Rows per multi-row INSERT on PostgreSQL: one round trip carries this many rows, far
 * below the protocol's 65,535 parameters for the app's widest rows (11 values).
 */
const ROWS_PER_INSERT = 500;

/**
 * The BulkWriter on PostgreSQL: each transaction takes a connection of the app's pool
 * (the one Prisma's adapter uses) and runs BEGIN … COMMIT on it, so it is a real
 * transaction beside Prisma's own (PostgreSQL orders concurrent writers itself). The SQL
 * is the same as on SQLite; `?` placeholders become `$1, $2, …`.
 */
export function postgresBulkWriter(pool: pg.Pool): BulkWriter {
  return {
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
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
    // PostgreSQL's checkpointer and autovacuum already run in their own processes.
    withBackgroundCheckpoints: (work) => work(),
    // Not relaxed on PostgreSQL yet (it would need `SET LOCAL synchronous_commit = off`
    // inside Prisma's transaction): those commits wait for the disk, which is only slower.
    withoutWaitingForDisk: (work) => work(),
    // Prisma's connection there is a pooled one of its own, out of reach.
    directRawStatements: (tx) => tx,
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
 * conflict clause as it does on SQLite.
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
