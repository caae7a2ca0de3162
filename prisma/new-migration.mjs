#!/usr/bin/env node
// Writes a new migration offline: `prisma migrate dev` needs a shadow database that the JS
// schema engine cannot replay, so we diff the schema as of the last migration (kept in
// prisma/migrations/schema.snapshot.prisma) against prisma/schema.prisma. The JS schema
// engine connects even to diff, so `npm run migration:new` runs this with a database
// (scripts/with-local-database.ts).
//
//   npm run migration:new -- <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const migrations = path.join("prisma", "migrations");
const schema = path.join("prisma", "schema.prisma");
const snapshot = path.join(migrations, "schema.snapshot.prisma");

const name = (process.argv[2] || "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("Usage: npm run migration:new -- <name>");
  process.exit(1);
}
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", "--from-schema-datamodel", snapshot, "--to-schema-datamodel", schema, "--script"],
  { encoding: "utf8" },
);
if (!/\b(CREATE|ALTER|DROP|INSERT)\b/.test(sql)) {
  console.log("Schema unchanged: no migration written.");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrations, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  copyFileSync(schema, snapshot);
  console.log(`Wrote ${path.join(dir, "migration.sql")}`);
  console.log(
    "Hand-written SQL (partial indexes, data fixes) is not in the diff: add it. Migrations run " +
      "statement by statement, split at every ';': keep ';' out of comments and string literals.",
  );
}
