import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { testEnv } from "../setup/test-env";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/** Applies the committed migrations to `databaseUrl`, as `npm run setup` does. */
export function migrateDatabase(databaseUrl: string) {
  execFileSync(path.join(repoRoot, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
}

/**
 * Empties a PostgreSQL test database (its `public` schema dropped and recreated), saying
 * what to do when the server is not running rather than failing on a connection error.
 */
export async function resetPostgresDatabase(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(databaseUrl);
    throw new Error(
      `PostgreSQL is not reachable at ${where.host}${where.pathname} (${(error as Error).message}). ` +
        "Start it (Debian: `pg_ctlcluster 15 main start`) and create the test role and database " +
        "(`npm run test:postgres` does both when run as root; see README, PostgreSQL), or unset TEST_DATABASE_URL to test on SQLite only.",
    );
  }
  try {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE");
    await client.query("CREATE SCHEMA public");
    // The job queue's tables (pg-boss creates them again at its first start).
    await client.query(`DROP SCHEMA IF EXISTS ${testEnv.JOB_QUEUE_SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
}
