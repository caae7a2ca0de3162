/**
 * Where the database lives. `DATABASE_URL` wins; the embedded default is a SQLite file
 * in prisma/ (ignored by git). A `postgresql://` (or `postgres://`) URL selects PostgreSQL.
 * Shared by prisma.config.ts (migrations) and app/db.server.ts.
 */
export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function databaseProvider(env: Record<string, string | undefined> = process.env): DatabaseProvider {
  const url = databaseUrl(env);
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(
    `DATABASE_URL must be a SQLite "file:" URL or a "postgresql://" URL (got "${url.split(":")[0]}:…").`,
  );
}

export function sqliteFilePath(env: Record<string, string | undefined> = process.env): string {
  const url = databaseUrl(env);
  if (databaseProvider(env) !== "sqlite") {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL (got "${url.split(":")[0]}:…").`);
  }
  return url.slice("file:".length);
}
