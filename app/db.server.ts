import { createRequire } from "node:module";
import { Prisma, PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseProvider, databaseUrl, sqliteFilePath } from "../prisma/database-url";
import type { BulkWriter } from "./utils/bulk-writes.server";
import { postgresBulkWriter } from "./utils/postgres-bulk.server";
import { serializedSqliteAdapter } from "./utils/serialized-sqlite.server";

interface AppDatabase {
  prisma: PrismaClient;
  /** The client's runtime helpers (Prisma.sql, error classes): each generated client has its own. */
  runtime: typeof Prisma;
  bulk: BulkWriter;
  close: () => Promise<void>;
}

declare global {
  var appDatabaseGlobal: AppDatabase | undefined;
}

function createSqliteClient(): AppDatabase {
  const adapter = serializedSqliteAdapter(sqliteFilePath());
  const prisma = new PrismaClient({
    adapter,
    // SQLite writes one transaction at a time: a request may queue behind a sync batch.
    transactionOptions: { maxWait: 15_000, timeout: 15_000 },
  });
  // Bulk writes share Prisma's connection, which Prisma opens lazily.
  const bulk: BulkWriter = {
    transaction: async (work, options) => {
      await prisma.$connect();
      return adapter.bulk.transaction(work, options);
    },
    withBackgroundCheckpoints: async (work, options) => {
      await prisma.$connect();
      return adapter.bulk.withBackgroundCheckpoints(work, options);
    },
    withoutWaitingForDisk: (work) => adapter.bulk.withoutWaitingForDisk(work),
    directRawStatements: (tx) => adapter.bulk.directRawStatements(tx),
  };
  return { prisma, runtime: Prisma, bulk, close: () => prisma.$disconnect() };
}

function createPostgresClient(): AppDatabase {
  const pool = new pg.Pool({
    connectionString: databaseUrl(),
    max: Number(process.env.DATABASE_POOL_SIZE) || 10,
  });
  // The client generated from prisma/postgres/schema.prisma (`npm run setup`): a client
  // generated for SQLite refuses a PostgreSQL adapter. Same models, so it is typed as the
  // SQLite one. Loaded at run time so that SQLite installs never need it.
  const postgresClient = createRequire(import.meta.url)(".prisma/postgres-client") as {
    PrismaClient: typeof PrismaClient;
    Prisma: typeof Prisma;
  };
  const { PrismaClient: PostgresPrismaClient } = postgresClient;
  const prisma = new PostgresPrismaClient({
    adapter: new PrismaPg(pool),
    // Every statement is a network round trip (in-process on SQLite): a transaction that
    // approves hundreds of candidates takes longer.
    transactionOptions: { maxWait: 15_000, timeout: 60_000 },
  });
  return {
    prisma,
    runtime: postgresClient.Prisma,
    bulk: postgresBulkWriter(pool),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// Keep one client across Vite's hot reloads in development.
const client =
  global.appDatabaseGlobal ?? (databaseProvider() === "postgresql" ? createPostgresClient() : createSqliteClient());
if (process.env.NODE_ENV !== "production") global.appDatabaseGlobal = client;

const prisma = client.prisma;
export default prisma;

/**
 * Prisma's runtime helpers of the client in use: `sql`, `join`, `raw`, `empty` and the
 * error classes. Use these rather than `Prisma` from "@prisma/client" at run time (that is
 * the SQLite client's; the PostgreSQL client does not recognise its fragments or errors).
 */
export const prismaRuntime = client.runtime;

/** Many-row writes past Prisma, in their own transaction (see utils/bulk-writes.server.ts). */
export const bulkWrites = client.bulk;

/** Closes the database connections (tests and scripts that end the process). */
export const closeDatabase = client.close;
