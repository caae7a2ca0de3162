import { databaseProvider } from "../../prisma/database-url";

/** The database the app runs on, from DATABASE_URL (read once, at import). */
export const provider = databaseProvider();

/** `?` placeholders numbered as PostgreSQL wants them: `$1, $2, …`. */
export function numberedPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * Raw SQL is written with `?` placeholders (SQLite's); on PostgreSQL they are numbered.
 * Wrap the whole statement, once. The app's SQL has no `?` inside string literals.
 */
export function positional(sql: string): string {
  return provider === "postgresql" ? numberedPlaceholders(sql) : sql;
}
