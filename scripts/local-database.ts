/**
 * The local database of `npm run dev` and `npm run demo` when DATABASE_URL is unset: the
 * embedded PostgreSQL server, its data in .data/postgres (ignored by git), database
 * "ambassadors".
 */
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from "../prisma/embedded-postgres";

export const LOCAL_DATA_DIR = path.resolve(import.meta.dirname, "..", ".data", "postgres");
const LOCAL_DATABASE = "ambassadors";

export interface LocalDatabase {
  url: string;
  /** Stops the embedded server (nothing when DATABASE_URL was given). */
  stop(): Promise<void>;
}

export async function localDatabase(): Promise<LocalDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const started = Date.now();
  const server: EmbeddedPostgresServer = await startEmbeddedPostgres({ dataDir: LOCAL_DATA_DIR });
  await server.ensureDatabase(LOCAL_DATABASE);
  console.log(`Embedded PostgreSQL ready in ${Date.now() - started} ms (data in ${path.relative(process.cwd(), LOCAL_DATA_DIR)}).`);
  return { url: server.url(LOCAL_DATABASE), stop: () => server.stop() };
}
