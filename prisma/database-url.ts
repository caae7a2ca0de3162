/**
 * Where the database lives. `DATABASE_URL` wins; the embedded default is a SQLite file
 * in prisma/ (ignored by git). Shared by prisma.config.ts (migrations) and app/db.server.ts.
 */
export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export function databaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function sqliteFilePath(env: Record<string, string | undefined> = process.env): string {
  const url = databaseUrl(env);
  if (!url.startsWith("file:")) {
    throw new Error(
      `DATABASE_URL must be a SQLite "file:" URL (got "${url.split(":")[0]}:…").`,
    );
  }
  return url.slice("file:".length);
}
