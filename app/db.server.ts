import { PrismaClient } from "@prisma/client";
import { sqliteFilePath } from "../prisma/database-url";
import { serializedSqliteAdapter } from "./utils/serialized-sqlite.server";

declare global {
  var prismaGlobal: PrismaClient | undefined;
}

function createPrismaClient() {
  return new PrismaClient({
    adapter: serializedSqliteAdapter(sqliteFilePath()),
    // SQLite writes one transaction at a time: a request may queue behind a sync batch.
    transactionOptions: { maxWait: 15_000, timeout: 15_000 },
  });
}

// Keep one client across Vite's hot reloads in development.
const prisma = global.prismaGlobal ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") global.prismaGlobal = prisma;

export default prisma;
