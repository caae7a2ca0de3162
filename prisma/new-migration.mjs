#!/usr/bin/env node
// Writes new migrations offline: `prisma migrate dev` needs a shadow database that the JS
// schema engine cannot replay, so we diff the schema as of the last migration (kept in
// <migrations>/schema.snapshot.prisma) against the current one, for SQLite
// (prisma/migrations) and PostgreSQL (prisma/postgres/migrations, from the schema derived
// from prisma/schema.prisma by prisma/postgres-schema.mjs). Each SQLite migration from the
// PostgreSQL baseline on has a PostgreSQL twin of the same name.
//
//   npm run migration:new -- <name>   both migrations, from a change to prisma/schema.prisma
//   npm run migration:postgres        the PostgreSQL twins of SQLite migrations written
//                                     without them (e.g. merged from another branch)
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  missingPostgresTwins,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA,
  SQLITE_MIGRATIONS,
  writePostgresSchema,
} from "./postgres-schema.mjs";


/** The SQL that turns the schema of `migrationsDir`'s snapshot into `schema`, or null. */
function diff(migrationsDir, schema) {
  const snapshot = path.join(migrationsDir, "schema.snapshot.prisma");
  const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
  const sql = execFileSync(
    "npx",
    ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"],
    { encoding: "utf8" },
  );
  return /\b(CREATE|ALTER|DROP|INSERT|PRAGMA)\b/.test(sql) ? sql : null;
}

function write(migrationsDir, dirName, sql, schema) {
  const dir = path.join(migrationsDir, dirName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  copyFileSync(schema, path.join(migrationsDir, "schema.snapshot.prisma"));
  console.log(`Wrote ${path.join(dir, "migration.sql")}`);
}

const HAND_WRITTEN_NOTE =
  "Hand-written SQL in a SQLite migration (partial indexes, data fixes) is not in the diff: " +
  "add its PostgreSQL form to the twin. PostgreSQL migrations run statement by statement, " +
  "split at every ';': keep ';' out of comments and string literals.";

function writePostgresTwins() {
  writePostgresSchema();
  const missing = missingPostgresTwins();
  if (missing.length === 0) {
    console.log("Every SQLite migration has its PostgreSQL twin.");
    return;
  }
  const sql = diff(POSTGRES_MIGRATIONS, POSTGRES_SCHEMA) ?? "-- Nothing to change on PostgreSQL.\n";
  const last = missing[missing.length - 1];
  for (const name of missing.slice(0, -1)) {
    const dir = path.join(POSTGRES_MIGRATIONS, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), `-- Included in ${last} (written together).\n`);
    console.log(`Wrote ${path.join(dir, "migration.sql")}`);
  }
  write(POSTGRES_MIGRATIONS, last, sql, POSTGRES_SCHEMA);
  console.log(HAND_WRITTEN_NOTE);
}

if (process.argv.includes("--postgres-twins")) {
  writePostgresTwins();
} else {
  const name = (process.argv[2] || "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
  if (!name) {
    console.error("Usage: npm run migration:new -- <name>");
    process.exit(1);
  }
  const schema = path.join("prisma", "schema.prisma");
  const sql = diff(SQLITE_MIGRATIONS, schema);
  if (!sql) {
    console.log("Schema unchanged: no migration written.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    write(SQLITE_MIGRATIONS, `${stamp}_${name}`, sql, schema);
  }
  writePostgresTwins();
}
