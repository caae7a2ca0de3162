import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { repoRoot } from "#/setup/test-env";

const read = (file: string) => fs.readFileSync(file, "utf8");
const SCHEMA = path.join(repoRoot, "prisma", "schema.prisma");
const MIGRATIONS = path.join(repoRoot, "prisma", "migrations");
const migrationNames = () =>
  fs.readdirSync(MIGRATIONS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

describe("schema and migrations", () => {
  it("keep the snapshot the next migration is diffed from in step with the schema (write them with `npm run migration:new`)", () => {
    expect(read(path.join(MIGRATIONS, "schema.snapshot.prisma"))).toBe(read(SCHEMA));
  });

  it("keep ';' out of comments (the driver adapter splits migrations at every ';')", () => {
    for (const name of migrationNames()) {
      const comments = read(path.join(MIGRATIONS, name, "migration.sql"))
        .split("\n")
        .filter((line) => line.trim().startsWith("--"));
      expect(comments.filter((line) => line.includes(";")), name).toEqual([]);
    }
  });

  // The test database was built by the committed migrations (global-setup): its catalog
  // must be what the schema describes, built afresh in a scratch schema.
  it("build the database the schema describes, the partial indexes included", async () => {
    const expectedSql = execFileSync(
      path.join(repoRoot, "node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", SCHEMA, "--script"],
      { cwd: repoRoot, encoding: "utf8" },
    );
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query("DROP SCHEMA IF EXISTS drift_expected CASCADE; CREATE SCHEMA drift_expected");
      await client.query(`SET search_path TO drift_expected; ${expectedSql}; SET search_path TO public`);
      const catalog = async (schema: string) => {
        const columns = await client.query(
          `SELECT table_name, column_name, data_type, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'
           ORDER BY table_name, column_name`,
          [schema],
        );
        const indexes = await client.query(
          `SELECT tablename, indexname, replace(indexdef, $1 || '.', '') AS indexdef
           FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'
           ORDER BY tablename, indexname`,
          [schema],
        );
        return { columns: columns.rows, indexes: indexes.rows };
      };
      const migrated = await catalog("public");
      const expected = await catalog("drift_expected");
      expect(migrated.columns).toEqual(expected.columns);
      // Prisma cannot declare the partial indexes: the migrations add their WHERE clause.
      const partial = migrated.indexes.filter((index) => / WHERE /.test(index.indexdef));
      expect(partial.map((index) => index.indexname).sort()).toEqual([
        "CustomerStats_shop_lastOrderAt_customerId_idx",
        "CustomerStats_shop_netSpentCents_customerId_idx",
        "CustomerStats_shop_orderCount_customerId_idx",
        "CustomerStats_shop_scoreMilli_customerId_idx",
        "HistorySync_shop_unfinished_key",
      ]);
      // …and the one Prisma cannot declare at all (one unfinished history sync per shop).
      const handWritten = ["HistorySync_shop_unfinished_key"];
      expect(partial.map((index) => index.indexname)).toEqual(expect.arrayContaining(handWritten));
      // The history staging tables have no key at all: COPY appends to them, and a resumed
      // run may stage an order twice (Prisma wants a key on every model).
      const keyless = ["OrderFactStaging_pkey", "CustomerProfileStaging_pkey"];
      expect(migrated.indexes.filter((index) => keyless.includes(index.indexname))).toEqual([]);
      const withoutPredicate = (rows: typeof migrated.indexes) =>
        rows
          .filter((index) => !handWritten.includes(index.indexname) && !keyless.includes(index.indexname))
          .map((index) => ({ ...index, indexdef: String(index.indexdef).replace(/ WHERE .*$/, "") }));
      expect(withoutPredicate(migrated.indexes)).toEqual(withoutPredicate(expected.indexes));
    } finally {
      await client.query("DROP SCHEMA IF EXISTS drift_expected CASCADE").catch(() => undefined);
      await client.end();
    }
  });
});
