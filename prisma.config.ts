import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteFilePath } from "./prisma/database-url";

// Prisma's native engines cannot be downloaded here, so both the schema engine (migrate)
// and the query engine (engineType = "client") run in JS through the driver adapter.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url: sqliteFilePath() });
  },
});
