import { PrismaClient } from "@prisma/client";
import { sqliteFilePath } from "../prisma/database-url";
import type { BulkWriter } from "./utils/bulk-writes.server";
import { serializedSqliteAdapter } from "./utils/serialized-sqlite.server";

declare global {
  var appDatabaseGlobal: { prisma: PrismaClient; bulk: BulkWriter } | undefined;
}

function createPrismaClient() {
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
    withoutWaitingForDisk: (work) => adapter.bulk.withoutWaitingForDisk(work),
  };
  return { prisma, bulk };
}

// Keep one client across Vite's hot reloads in development.
const client = global.appDatabaseGlobal ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") global.appDatabaseGlobal = client;

const prisma = client.prisma;
export default prisma;

/** Many-row writes past Prisma, on the same connection (see utils/bulk-writes.server.ts). */
export const bulkWrites = client.bulk;
