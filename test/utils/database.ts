import { execFileSync } from "node:child_process";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/** Applies the committed migrations to `databaseUrl`, as `npm run setup` does. */
export function migrateDatabase(databaseUrl: string) {
  execFileSync(path.join(repoRoot, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
}
