import { execFileSync } from "node:child_process";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The migrated database every test database is cloned from (test/setup/global-setup.ts). */
export const TEMPLATE_DATABASE = "ambassadors_template";

/** Applies the committed migrations to `databaseUrl`, as `npm run setup` does. */
export function migrateDatabase(databaseUrl: string) {
  execFileSync(path.join(repoRoot, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
}

/** `serverUrl` with its database replaced by `database`. */
export function databaseUrlOn(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlOn(serverUrl, "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops `database` (closing its connections) if it exists. */
export async function dropDatabase(serverUrl: string, database: string) {
  await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`));
}

/** The names of the server's databases that start with `prefix`. */
export async function databasesNamed(serverUrl: string, prefix: string): Promise<string[]> {
  const { rows } = await onServer(serverUrl, (client) =>
    client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]),
  );
  return rows.map((row) => row.datname);
}

/**
 * A new database cloned from the migrated template (a file copy: much faster than
 * migrating), replacing any of that name. Returns its URL.
 */
export async function cloneTemplateDatabase(serverUrl: string, database: string): Promise<string> {
  await dropDatabase(serverUrl, database);
  await onServer(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quote(database)} TEMPLATE ${quote(TEMPLATE_DATABASE)}`),
  );
  return databaseUrlOn(serverUrl, database);
}

/** A new, empty database, replacing any of that name. Returns its URL. */
export async function createEmptyDatabase(serverUrl: string, database: string): Promise<string> {
  await dropDatabase(serverUrl, database);
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quote(database)}`));
  return databaseUrlOn(serverUrl, database);
}

/** A Prisma client on `databaseUrl`, for tests that look at what the app wrote. */
export function prismaClientOn(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
