#!/usr/bin/env node
// Writes a new migration offline: `prisma migrate dev` needs a shadow database that the JS
// schema engine cannot replay, so we diff the schema as of the last migration (kept in
// prisma/migrations/schema.snapshot.prisma) against prisma/schema.prisma.
// Usage: npm run migration:new -- <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = (process.argv[2] || "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("Usage: npm run migration:new -- <name>");
  process.exit(1);
}
const migrationsDir = path.join("prisma", "migrations");
const snapshot = path.join(migrationsDir, "schema.snapshot.prisma");
const from = existsSync(snapshot)
  ? ["--from-schema-datamodel", snapshot]
  : ["--from-empty"];
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", path.join("prisma", "schema.prisma"), "--script"],
  { encoding: "utf8" },
);
if (!/\b(CREATE|ALTER|DROP|INSERT|PRAGMA)\b/.test(sql)) {
  console.log("Schema unchanged: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
copyFileSync(path.join("prisma", "schema.prisma"), snapshot);
console.log(`Wrote ${path.join(dir, "migration.sql")}`);
