#!/usr/bin/env node
// Generates both Prisma clients (SQLite: prisma/schema.prisma, PostgreSQL: the schema
// derived from it). prisma.config.ts picks its driver adapter from DATABASE_URL, and
// `prisma generate` for a schema whose provider has no matching adapter falls back to
// downloading a native query engine, which cannot be fetched here. So each client is
// generated with a DATABASE_URL of its own provider (generate never connects to it).
import { execFileSync } from "node:child_process";

const clients = [
  { schema: "prisma/schema.prisma", url: "file:./prisma/dev.sqlite" },
  { schema: "prisma/postgres/schema.prisma", url: "postgresql://localhost/generate-only" },
];
for (const { schema, url } of clients) {
  execFileSync("npx", ["prisma", "generate", "--schema", schema], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
}
