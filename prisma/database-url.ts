/**
 * The database is PostgreSQL, at DATABASE_URL. Production sets it; `npm run dev`, `npm run
 * demo` and the tests set it to an embedded server (prisma/embedded-postgres.ts).
 * Shared by prisma.config.ts (migrations) and app/db.server.ts.
 */
export function databaseUrl(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Set it to a PostgreSQL URL (postgresql://user:password@host:5432/database), " +
        "or run through `npm run dev` or `npm run demo`, which start an embedded PostgreSQL server.",
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must be a "postgresql://" URL (got "${url.split(":")[0]}:…").`);
  }
  return url;
}
