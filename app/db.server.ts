import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseProvider, databaseUrl, sqliteFilePath } from "../prisma/database-url";
import type { BulkWriter } from "./utils/bulk-writes.server";
import { postgresBulkWriter } from "./utils/postgres-bulk.server";
import { serializedSqliteAdapter } from "./utils/serialized-sqlite.server";

declare global {
  var appDatabaseGlobal: { prisma: PrismaClient; bulk: BulkWriter; close: () => Promise<void> } | undefined;
}

function createSqliteClient() {
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
    withBackgroundCheckpoints: async (work) => {
      await prisma.$connect();
      return adapter.bulk.withBackgroundCheckpoints(work);
    },
  };
  return { prisma, bulk, close: () => prisma.$disconnect() };
}

function createPostgresClient() {
  const pool = new pg.Pool({
    connectionString: databaseUrl(),
    max: Number(process.env.DATABASE_POOL_SIZE) || 10,
  });
  // The client generated from prisma/postgres/schema.prisma (`npm run setup`): a client
  // generated for SQLite refuses a PostgreSQL adapter. Same models, so it is typed as the
  // SQLite one. Loaded at run time so that SQLite installs never need it.
  const { PrismaClient: PostgresPrismaClient } = createRequire(import.meta.url)(".prisma/postgres-client") as {
    PrismaClient: typeof PrismaClient;
  };
  const prisma = new PostgresPrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: { maxWait: 15_000, timeout: 15_000 },
  });
  return {
    prisma,
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

/** Many-row writes past Prisma, in their own transaction (see utils/bulk-writes.server.ts). */
export const bulkWrites = client.bulk;

/** Closes the database connections (tests and scripts that end the process). */
export const closeDatabase = client.close;
