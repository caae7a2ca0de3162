import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import type { BulkTransaction, BulkTransactionOptions, BulkValue, BulkWriter } from "./bulk-writes.server";
import { directRawStatements, type PrepareStatement, type RawSqliteStatement } from "./sqlite-raw-statements.server";

/**
 * Prisma's better-sqlite3 adapter has ONE connection. It queues transactions, but a query
 * outside a transaction runs at once on that connection — inside whatever transaction is
 * open there. A concurrent request's writes would then commit or roll back with another
 * request's transaction (a duplicate webhook's rollback would erase them). This wrapper
 * gives every statement outside a transaction its turn, after any open transaction.
 */
export function serializedSqliteAdapter(url: string): SqlDriverAdapterFactory & { bulk: BulkWriter } {
  const inner = new PrismaBetterSQLite3({ url });
  let connected: {
    turns: Turns;
    connection: SqliteConnection;
    prepared: PrepareStatement;
    transactions: OpenTransaction;
  } | null = null;
  const checkpoints = new BackgroundCheckpoints();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      const turns = new Turns();
      const connection = sqliteConnectionOf(adapter);
      const prepared = reusePreparedStatements(adapter);
      configure(connection);
      const current = { turns, connection, prepared, transactions: { open: null } };
      connected = current;
      return serialize(adapter, current.connection, turns, current.transactions, () => {
        if (connected === current) connected = null;
      });
    },
    bulk: {
      async transaction(work, options) {
        if (!connected) throw new Error("The database is not connected yet (call prisma.$connect() first).");
        const { turns, connection } = connected;
        // Durable: SQLite's own synchronous = FULL commit, which syncs the log before it
        // returns, blocking this thread for the fsync (0.2-0.6 ms here). Syncing the log on
        // libuv's thread pool after a relaxed commit instead was measured slower in the
        // webhook bench: each sync took 2-3 ms to come back (its completion waits for
        // this thread), and the acknowledgements waited for it.
        return turns.run(() => bulkTransaction(connection, work, options));
      },
      withoutWaitingForDisk(work) {
        return commitsWithoutFsync.run({ taken: false }, work);
      },
      async withBackgroundCheckpoints(work, options) {
        if (!connected) throw new Error("The database is not connected yet (call prisma.$connect() first).");
        const { turns, connection } = connected;
        if (url === ":memory:" || url === "") return work();
        return checkpoints.during(url, turns, connection, work, options?.lingerMs ?? 0);
      },
      directRawStatements(tx) {
        if (!connected) throw new Error("The database is not connected yet (call prisma.$connect() first).");
        const { prepared, transactions } = connected;
        // Called in tx's callback, tx's transaction is the open one (it holds the turn).
        const mine = transactions.open;
        if (!mine) throw new Error("directRawStatements: only inside a Prisma transaction");
        // The connection's cached statements themselves, not the adapter's views of them.
        return directRawStatements(tx, prepared, () => transactions.open === mine);
      },
    },
  };
}

/** What the bulk path uses of better-sqlite3's Database (the Prisma adapter's `client`). */
interface SqliteConnection {
  prepare(sql: string): {
    run(parameters: readonly BulkValue[]): { changes: number };
    all(parameters: readonly BulkValue[]): unknown[];
  };
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

/**
 * The better-sqlite3 connection inside Prisma's adapter, so bulk writes share its one
 * connection and its turns (a second connection would wait on SQLite's file lock, and
 * better-sqlite3 waits synchronously, blocking the event loop). Checked at connect: an
 * adapter upgrade that renames it fails loudly here rather than at the first sync.
 */
function sqliteConnectionOf(adapter: SqlDriverAdapter): SqliteConnection {
  const client = (adapter as unknown as { client?: Partial<SqliteConnection> }).client;
  if (typeof client?.prepare !== "function" || typeof client.exec !== "function" || typeof client.inTransaction !== "boolean") {
    throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its better-sqlite3 client");
  }
  return client as SqliteConnection;
}

/** What Prisma's adapter uses of a better-sqlite3 statement. */
interface AdapterStatement {
  readonly reader: boolean;
  bind(parameters: unknown[]): AdapterStatement;
  run(parameters?: unknown[]): unknown;
  columns(): unknown[];
  raw(): { all(): unknown[] };
}

/** Statements kept per connection; SQL texts beyond this are prepared again. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Prisma's adapter prepares every statement anew (compiling its SQL each time): a sixth of
 * the inbox processor's database time. Here its connection keeps the last
 * STATEMENT_CACHE_SIZE statements by SQL text. The adapter binds each statement once
 * (better-sqlite3's `bind` is permanent), so it gets a view that passes the parameters
 * to the cached statement at each call instead. Statements run to completion at once
 * (`run`, `all`), so one statement is never in use twice; SQLite recompiles a cached
 * statement by itself after a schema change.
 */
function reusePreparedStatements(adapter: SqlDriverAdapter): PrepareStatement {
  const holder = adapter as unknown as { client?: { prepare?: PrepareStatement } };
  const client = holder.client;
  if (typeof client?.prepare !== "function") {
    throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its better-sqlite3 client");
  }
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, RawSqliteStatement>();
  const cached = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) cache.delete(sql); // most recently used last
    else {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  };
  const view = (statement: RawSqliteStatement, parameters: unknown[] = []): AdapterStatement => ({
    reader: statement.reader,
    bind: (bound) => view(statement, bound),
    run: () => statement.run(parameters),
    columns: () => statement.columns(),
    raw: () => ({ all: () => statement.raw().all(parameters) }),
  });
  // Only the adapter's own calls go through this (the bulk path keeps its own statements).
  const adapterClient = new Proxy(client, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => view(cached(sql));
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  Object.defineProperty(holder, "client", { value: adapterClient, writable: true, configurable: true });
  // The same cache serves the direct raw statements (see directRawStatements).
  return cached;
}

/**
 * WAL: a commit is one append to the log (and one fsync) instead of a rollback journal
 * written, synced and deleted around the database write. synchronous = FULL keeps every
 * commit durable (webhooks are acknowledged after their commit); bulk transactions relax
 * it, see bulkTransaction. A 16 MB page cache (default 2 MB) keeps more of OrderFact's
 * customer index, which the bulk merges update at random places. 24 MB merged a million
 * orders about 0.2 s faster but cost 20 MB of peak RSS, and the ingest must stay within
 * 256 MB. The log file keeps the size of its longest run (a history sync's one-transaction
 * recompute writes ~250 MB for a million orders) unless limited: once it starts over, it
 * is cut back to WAL_SIZE_LIMIT_BYTES.
 */
function configure(connection: SqliteConnection) {
  connection.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`,
  );
}

/** Above the log's usual length under load (it starts over past 16 MB, see BackgroundCheckpoints). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Rows per multi-row INSERT: the per-statement cost of better-sqlite3 and the VM is
 * shared by that many rows, while the statement stays far below SQLite's 32,766
 * parameters. Larger gains little.
 */
const ROWS_PER_INSERT = 50;

/** `(?, ?), (?, ?)` for `rows` rows of `width` values. */
function valuesList(rows: number, width: number): string {
  return new Array(rows).fill(`(${new Array(width).fill("?").join(", ")})`).join(", ");
}

async function bulkTransaction<T>(
  connection: SqliteConnection,
  work: (tx: BulkTransaction) => Promise<T>,
  options: BulkTransactionOptions = {},
): Promise<T> {
  // Prepared once per transaction: the bulk path runs a few statements many times.
  const statements = new Map<string, ReturnType<SqliteConnection["prepare"]>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    return statement;
  };
  // Multi-row inserts by builder and row count, so the SQL text is built once per shape.
  const inserts = new Map<(values: string) => string, Map<number, ReturnType<SqliteConnection["prepare"]>>>();
  const preparedInsert = (insert: (values: string) => string, rows: number, width: number) => {
    let byRows = inserts.get(insert);
    if (!byRows) inserts.set(insert, (byRows = new Map()));
    let statement = byRows.get(rows);
    if (!statement) byRows.set(rows, (statement = connection.prepare(insert(valuesList(rows, width)))));
    return statement;
  };
  const tx: BulkTransaction = {
    async executeMany(sql, rows) {
      const statement = prepared(sql);
      let changes = 0;
      for (const row of rows) changes += statement.run(row).changes;
      return changes;
    },
    async insertMany(insert, rows) {
      if (rows.length === 0) return 0;
      const width = rows[0].length;
      let changes = 0;
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const count = Math.min(ROWS_PER_INSERT, rows.length - start);
        const parameters: BulkValue[] = new Array(count * width);
        for (let r = 0; r < count; r++) {
          const row = rows[start + r];
          if (row.length !== width) throw new Error(`insertMany: rows of ${width} and ${row.length} values`);
          for (let c = 0; c < width; c++) parameters[r * width + c] = row[c];
        }
        changes += preparedInsert(insert, count, width).run(parameters).changes;
      }
      return changes;
    },
    async execute(sql, ...parameters) {
      return prepared(sql).run(parameters).changes;
    },
    async query<Row>(sql: string, ...parameters: BulkValue[]) {
      return prepared(sql).all(parameters) as Row[];
    },
  };
  // Bulk commits skip the fsync (synchronous = NORMAL; still atomic, and safe from a
  // process crash): a power cut may lose the last of them, but only together with the
  // progress they recorded (HistorySync.processedLines, the staged rows), so the resumed
  // sync redoes them. The log is append-only, so the next FULL commit syncs them as well.
  // Durable ones (the webhook inbox acknowledges its rows to Shopify) keep FULL.
  connection.exec(options.durable ? "BEGIN" : "PRAGMA synchronous = NORMAL; BEGIN");
  try {
    const result = await work(tx);
    connection.exec("COMMIT");
    return result;
  } catch (error) {
    if (connection.inTransaction) connection.exec("ROLLBACK");
    throw error;
  } finally {
    // Back to the connection's FULL (a durable one never left it).
    if (!options.durable) connection.exec("PRAGMA synchronous = FULL");
  }
}

/** SQLite's default: a commit that leaves this many pages in the log copies them back. */
const WAL_AUTOCHECKPOINT_PAGES = 1000;
/** How often the background connection copies the log back while a bulk run goes on. */
const BACKGROUND_CHECKPOINT_MS = 50;
/** A log this long (16 MB) is copied back whole, so that it starts over (see below). */
const WAL_RESTART_PAGES = 4_000;
/** Commits wait at most this long for the worker to copy the rest back. */
const COMPLETE_TIMEOUT_MS = 100;

/** The worker's answer after each checkpoint. */
interface CheckpointReport {
  /** The log's pages when the checkpoint began (commits may have added more since). */
  log: number;
  /** Set when it answers completeLog's request of this id. */
  completed?: number;
}

/**
 * Checkpoints on a worker thread while bulk runs are active. A checkpoint copies the
 * pages committed to the write-ahead log back into the database file and syncs both
 * (twice an fsync), and by default the commit that grows the log past 1,000 pages does
 * it, blocking this thread; a bulk ingest's commits spend a fifth of their time there.
 * Here the app's connection stops checkpointing (wal_autocheckpoint = 0) and a second
 * connection in a worker runs PASSIVE checkpoints, which never wait for or block the
 * writer. Durability is unchanged: a commit is in the log before it is acknowledged
 * either way. When the last run ends (or the worker fails), the app's connection
 * checkpoints on commit again.
 *
 * The log only starts over from its beginning when a commit finds it wholly copied back.
 * Under steady writes (a flash sale's webhooks) a PASSIVE checkpoint never leaves it
 * whole: commits land while it copies. The log then grew without end (120 MB in a minute
 * of the webhook bench) and every commit appended to the file, whose sync costs more than
 * an overwrite's. So once the worker reports the log past WAL_RESTART_PAGES, commits wait
 * while it copies back the rest (see completeLog). Copying it on this thread instead (1-20
 * ms each time, two fsyncs among them) cut the webhook bench's processing-alone figure by
 * about 30%; this way, the bench's figures stayed within their run-to-run noise.
 */
class BackgroundCheckpoints {
  private active = 0;
  private worker: Worker | null = null;
  /** The log being copied back whole (see completeLog), ended by the worker's answer. */
  private completion: { id: number; worker: Worker; done: () => void } | null = null;
  private completions = 0;
  /** The stop a lingering run left pending (see BulkWriter.withBackgroundCheckpoints). */
  private lingering: ReturnType<typeof setTimeout> | null = null;

  async during<T>(
    file: string,
    turns: Turns,
    connection: SqliteConnection,
    work: () => Promise<T>,
    lingerMs: number,
  ): Promise<T> {
    if (this.active++ === 0) {
      if (this.lingering) clearTimeout(this.lingering);
      // Still running from the lingering run (or failed, and then commits checkpoint).
      if (this.lingering) this.lingering = null;
      else await this.start(file, turns, connection);
    }
    try {
      return await work();
    } finally {
      if (--this.active === 0) {
        if (lingerMs > 0) {
          this.lingering = setTimeout(() => {
            this.lingering = null;
            if (this.active === 0) void this.stop(turns, connection);
          }, lingerMs);
          this.lingering.unref?.();
        } else await this.stop(turns, connection);
      }
    }
  }

  private async start(file: string, turns: Turns, connection: SqliteConnection) {
    const worker = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const Database = require(workerData.driver);
       const db = new Database(workerData.file, { fileMustExist: true });
       let stopping = false;
       // Copies back what the log holds now; returns its length then, in pages.
       const checkpoint = () => {
         try {
           const [{ log }] = db.pragma("wal_checkpoint(PASSIVE)");
           return { log };
         } catch (error) {
           if (error.code !== "SQLITE_BUSY") throw error; // another checkpoint is running
           return null;
         }
       };
       parentPort.on("message", (message) => {
         if (message.complete) parentPort.postMessage({ completed: message.complete, ...checkpoint() });
         else stopping = true;
       });
       (function tick() {
         const copied = checkpoint();
         if (!stopping) {
           if (copied) parentPort.postMessage(copied);
           return void setTimeout(tick, workerData.intervalMs);
         }
         db.close();
         parentPort.close();
       })();`,
      {
        eval: true,
        workerData: { file, driver: betterSqlite3Path(), intervalMs: BACKGROUND_CHECKPOINT_MS },
        // It allocates next to nothing: a small heap keeps its memory to a few MB.
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, stackSizeMb: 1 },
      },
    );
    worker.unref();
    worker.on("message", (report: CheckpointReport) => {
      if (report.completed !== undefined) {
        if (report.completed === this.completion?.id) this.completion.done();
        return;
      }
      if (this.worker !== worker || this.completion || report.log < WAL_RESTART_PAGES) return;
      this.completeLog(worker, turns);
    });
    worker.on("exit", () => {
      if (this.completion?.worker === worker) this.completion.done();
    });
    // A failed worker must not leave the log growing: the commits checkpoint again.
    worker.on("error", (error) => {
      console.error("Background checkpoints stopped:", error);
      if (this.worker === worker) this.worker = null;
      void turns.run(async () => connection.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`));
    });
    this.worker = worker;
    await turns.run(async () => connection.exec("PRAGMA wal_autocheckpoint = 0"));
  }

  /**
   * Holds the connection's turn (no commit, no statement) while the worker copies back the
   * rest of the log, so that the next commit finds it whole and starts it over. The thread
   * stays free meanwhile (requests are read and checked; their statements wait). At most
   * COMPLETE_TIMEOUT_MS: a worker still busy copying a large log is not waited for.
   */
  private completeLog(worker: Worker, turns: Turns) {
    const id = ++this.completions;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    this.completion = { id, worker, done };
    void turns
      .run(() => {
        worker.postMessage({ complete: id });
        const timeout = setTimeout(done, COMPLETE_TIMEOUT_MS);
        return finished.finally(() => clearTimeout(timeout));
      })
      .finally(() => {
        if (this.completion?.id === id) this.completion = null;
      });
  }

  private async stop(turns: Turns, connection: SqliteConnection) {
    // Taken now: a run starting while this waits for its turn starts a worker of its own
    // (and its turn, queued after this one, hands checkpoints back to it).
    const worker = this.worker;
    this.worker = null;
    await turns.run(async () => connection.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`));
    // The worker copies what is left on its own time (its thread does not hold the
    // process open), then exits.
    worker?.postMessage("stop");
  }
}

/** better-sqlite3 as Prisma's adapter resolves it (it is the adapter's dependency). */
function betterSqlite3Path(): string {
  const fromAdapter = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"));
  return fromAdapter.resolve("better-sqlite3");
}

/** The Prisma transaction open on the connection now (a token per transaction), if any. */
interface OpenTransaction {
  open: object | null;
}

/** A FIFO lock: `run` waits for everything queued before it. */
class Turns {
  private tail: Promise<unknown> = Promise.resolve();

  /** Resolves with a release function once it is this caller's turn. */
  take(): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const turn = this.tail.then(() => release);
    this.tail = this.tail.then(() => done);
    return turn;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.take();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * withoutWaitingForDisk: the first Prisma transaction started inside commits without an
 * fsync. Only the first: anything else started from that context (which inherits it)
 * keeps the durable default.
 */
const commitsWithoutFsync = new AsyncLocalStorage<{ taken: boolean }>();

function serialize(
  adapter: SqlDriverAdapter,
  connection: SqliteConnection,
  turns: Turns,
  transactions: OpenTransaction,
  onDispose: () => void,
): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => turns.run(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery) => turns.run(() => adapter.executeRaw(query)),
    executeScript: (script: string) => turns.run(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => {
      onDispose();
      return adapter.dispose();
    },
    async startTransaction(isolationLevel): Promise<Transaction> {
      // The transaction holds the turn until it commits or rolls back.
      const claim = commitsWithoutFsync.getStore();
      const relaxed = claim !== undefined && !claim.taken;
      if (claim) claim.taken = true;
      const release = await turns.take();
      // SQLite takes the setting at BEGIN only (not inside a transaction), per connection.
      try {
        if (relaxed) connection.exec("PRAGMA synchronous = NORMAL");
        const transaction = await adapter.startTransaction(isolationLevel);
        const token = {};
        transactions.open = token;
        const end = (finish: () => Promise<void>) => async () => {
          try {
            await finish();
          } finally {
            if (transactions.open === token) transactions.open = null;
            if (relaxed) connection.exec("PRAGMA synchronous = FULL");
            release();
          }
        };
        return {
          options: transaction.options,
          provider: transaction.provider,
          adapterName: transaction.adapterName,
          queryRaw: (query: SqlQuery) => transaction.queryRaw(query),
          executeRaw: (query: SqlQuery) => transaction.executeRaw(query),
          commit: end(() => transaction.commit()),
          rollback: end(() => transaction.rollback()),
        };
      } catch (error) {
        if (relaxed) connection.exec("PRAGMA synchronous = FULL");
        release();
        throw error;
      }
    },
  };
}
