import { defineConfig } from "prisma/config";
import { postgresMigrationAdapter } from "./prisma/postgres-adapter";
import { databaseUrl } from "./prisma/database-url";

// Prisma's native engines cannot be downloaded here, so both the schema engine (migrate)
// and the query engine (engineType = "client") run in JS through the driver adapter.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    return postgresMigrationAdapter(databaseUrl());
  },
});
