import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

/**
 * Prisma's better-sqlite3 adapter has ONE connection. It queues transactions, but a query
 * outside a transaction runs at once on that connection — inside whatever transaction is
 * open there. A concurrent request's writes would then commit or roll back with another
 * request's transaction (a duplicate webhook's rollback would erase them). This wrapper
 * gives every statement outside a transaction its turn, after any open transaction.
 */
export function serializedSqliteAdapter(url: string): SqlDriverAdapterFactory {
  const inner = new PrismaBetterSQLite3({ url });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => serialize(await inner.connect()),
  };
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

function serialize(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const turns = new Turns();
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => turns.run(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery) => turns.run(() => adapter.executeRaw(query)),
    executeScript: (script: string) => turns.run(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel): Promise<Transaction> {
      // The transaction holds the turn until it commits or rolls back.
      const release = await turns.take();
      try {
        const transaction = await adapter.startTransaction(isolationLevel);
        const end = (finish: () => Promise<void>) => async () => {
          try {
            await finish();
          } finally {
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
        release();
        throw error;
      }
    },
  };
}
