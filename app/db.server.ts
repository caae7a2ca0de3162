import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseUrl } from "../prisma/database-url";

declare global {
  var prismaGlobal: PrismaClient | undefined;
}

/** The pool behind Prisma, also used directly for COPY (bulk loads Prisma cannot stream). */
export const pool = new pg.Pool({ connectionString: databaseUrl(), max: Number(process.env.DATABASE_POOL_SIZE) || 10 });

// Keep one client across Vite's hot reloads in development.
const prisma = global.prismaGlobal ?? new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 15_000, timeout: 60_000 } });
if (process.env.NODE_ENV !== "production") global.prismaGlobal = prisma;

export default prisma;
