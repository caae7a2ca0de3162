import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { postgresMigrationAdapter } from "./prisma/postgres-adapter";
import { databaseProvider, databaseUrl, sqliteFilePath } from "./prisma/database-url";

// Prisma's native engines cannot be downloaded here, so both the schema engine (migrate)
// and the query engine (engineType = "client") run in JS through the driver adapter.
// DATABASE_URL picks the database: a SQLite file (prisma/schema.prisma, prisma/migrations)
// or PostgreSQL (prisma/postgres/schema.prisma, derived from it, and prisma/postgres/migrations).
const postgres = databaseProvider() === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    return postgres
      ? postgresMigrationAdapter(databaseUrl())
      : new PrismaBetterSQLite3({ url: sqliteFilePath() });
  },
});
