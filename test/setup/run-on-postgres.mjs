#!/usr/bin/env node
// `npm run test:postgres`: the unit + integration suite on PostgreSQL. Uses
// TEST_DATABASE_URL (default: role and database "ambassadors_test" on localhost:5432). When
// the server is not reachable and this runs as root on Debian (CI), it starts the
// machine's cluster and creates the role and database; otherwise it says what to do.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";

const DEFAULT_URL = "postgresql://ambassadors_test:ambassadors_test@localhost:5432/ambassadors_test";
const url = process.env.TEST_DATABASE_URL || DEFAULT_URL;

async function reachable() {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return error;
  }
}

/** Starts the Debian cluster and creates the role and database of `url` (root only). */
function provision() {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/pg_lsclusters")) return false;
  const clusters = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  if (clusters.length === 0) return false;
  const [version, name, port] = clusters[0].split(/\s+/);
  const target = new URL(url);
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(target.hostname) || (target.port || "5432") !== port) return false;
  console.log(`Starting PostgreSQL ${version}/${name} (pg_ctlcluster ${version} ${name} start)…`);
  spawnSync("pg_ctlcluster", [version, name, "start"], { stdio: "inherit" });
  const { username, password, pathname } = new URL(url);
  const database = decodeURIComponent(pathname.slice(1));
  const role = decodeURIComponent(username);
  const quote = (identifier) => `"${identifier.replace(/"/g, '""')}"`;
  const psql = (sql) =>
    spawnSync("runuser", ["-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], { encoding: "utf8" });
  const roleExists = psql(`SELECT 1 FROM pg_roles WHERE rolname = '${role.replace(/'/g, "''")}'`).stdout.trim() === "1";
  if (!roleExists) {
    psql(`CREATE ROLE ${quote(role)} LOGIN PASSWORD '${decodeURIComponent(password).replace(/'/g, "''")}'`);
  }
  const databaseExists = psql(`SELECT 1 FROM pg_database WHERE datname = '${database.replace(/'/g, "''")}'`).stdout.trim() === "1";
  if (!databaseExists) psql(`CREATE DATABASE ${quote(database)} OWNER ${quote(role)}`);
  else psql(`ALTER DATABASE ${quote(database)} OWNER TO ${quote(role)}`);
  // Each run drops and recreates the public schema: the role must own it.
  spawnSync("runuser", ["-u", "postgres", "--", "psql", "-qd", database, "-c", `ALTER SCHEMA public OWNER TO ${quote(role)}`]);
  return true;
}

let failure = await reachable();
if (failure && provision()) failure = await reachable();
if (failure) {
  const where = new URL(url);
  console.error(
    `\nPostgreSQL is not reachable at ${where.host}${where.pathname}: ${failure.message}\n\n` +
      "To run the suite on PostgreSQL, start a server and create the test role and database, e.g. on Debian:\n" +
      "  sudo pg_ctlcluster 15 main start   (or: sudo apt-get install -y postgresql)\n" +
      `  sudo -u postgres psql -c "CREATE ROLE ${decodeURIComponent(where.username)} LOGIN PASSWORD '…'"\n` +
      `  sudo -u postgres psql -c "CREATE DATABASE ${where.pathname.slice(1)} OWNER ${decodeURIComponent(where.username)}"\n` +
      "or point TEST_DATABASE_URL at one (its public schema is dropped and recreated on every run).\n" +
      "Running this script as root does all of that itself.\n",
  );
  process.exit(1);
}

const result = spawnSync(
  "npx",
  ["vitest", "run", "--outputFile.json=test-results/vitest-postgres.json", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: url } },
);
process.exit(result.status ?? 1);
