#!/usr/bin/env node
// prisma/schema.prisma is the one source of truth for the models. The PostgreSQL schema
// (prisma/postgres/schema.prisma, committed because its migrations are diffed against it)
// is derived from it mechanically: another provider, and a client generated to its own
// directory (a client generated for "sqlite" refuses a PostgreSQL adapter). The models are
// the same, so the app is typed against the SQLite client and uses either at run time.
// Usage: node prisma/postgres-schema.mjs [--check]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const prismaDir = path.dirname(fileURLToPath(import.meta.url));
export const SQLITE_SCHEMA = path.join(prismaDir, "schema.prisma");
export const POSTGRES_SCHEMA = path.join(prismaDir, "postgres", "schema.prisma");
export const SQLITE_MIGRATIONS = path.join(prismaDir, "migrations");
export const POSTGRES_MIGRATIONS = path.join(prismaDir, "postgres", "migrations");
/** Where the PostgreSQL client is generated (ignored by git, written by `npm run setup`). */
export const POSTGRES_CLIENT_OUTPUT = "../../node_modules/.prisma/postgres-client";

export function derivePostgresSchema(sqliteSchema) {
  const generator = /generator client \{\n([^}]*)\}/;
  const datasource = /datasource db \{\n([^}]*)\}/;
  if (!generator.test(sqliteSchema) || !datasource.test(sqliteSchema)) {
    throw new Error("prisma/schema.prisma: expected `generator client { … }` and `datasource db { … }` blocks");
  }
  return [
    "// GENERATED from prisma/schema.prisma by prisma/postgres-schema.mjs: do not edit.",
    "// `npm run migration:new -- <name>` rewrites it with the SQLite and PostgreSQL migrations.",
    "",
    sqliteSchema
      .replace(generator, (_, body) =>
        `generator client {\n${body.replace(/\n$/, "")}\n  output     = "${POSTGRES_CLIENT_OUTPUT}"\n}`)
      .replace(datasource, () =>
        `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}`)
      .replace(/^\/\/ Embedded default: SQLite[^\n]*\n/, ""),
  ].join("\n");
}

export const migrationNames = (migrationsDir) =>
  readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** SQLite migrations from the PostgreSQL baseline on that have no PostgreSQL twin yet. */
export function missingPostgresTwins() {
  const postgres = migrationNames(POSTGRES_MIGRATIONS);
  const baseline = postgres[0];
  return migrationNames(SQLITE_MIGRATIONS).filter((name) => name >= baseline && !postgres.includes(name));
}

export function writePostgresSchema() {
  const derived = derivePostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  writeFileSync(POSTGRES_SCHEMA, derived);
  return derived;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const derived = derivePostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  if (process.argv.includes("--check")) {
    if (readFileSync(POSTGRES_SCHEMA, "utf8") !== derived) {
      console.error("prisma/postgres/schema.prisma is stale: run `node prisma/postgres-schema.mjs`.");
      process.exit(1);
    }
  } else {
    writePostgresSchema();
    console.log(`Wrote ${path.relative(process.cwd(), POSTGRES_SCHEMA)}`);
  }
}
