/**
 * `npm run bench [name]`: runs one benchmark (or all). Each prints readable figures and,
 * as its very last line, one JSON object `{"bench": "<name>", ...figures}` so results can
 * be compared run to run. Benchmarks are never part of `npm test`.
 *
 * One embedded PostgreSQL server serves the whole run, with production's durable settings
 * (fsync and synchronous commit on), in a temporary folder removed at the end. Each
 * benchmark asks it for fresh migrated databases (clones of one migrated template).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../prisma/embedded-postgres";
import { cloneTemplateDatabase, createEmptyDatabase, migrateDatabase, TEMPLATE_DATABASE } from "../utils/database";
import type { BenchContext, Benchmark } from "./benchmark";

const benchmarks: Record<string, () => Promise<{ default: Benchmark }>> = {
  "admin-api": () => import("./admin-api.bench"),
  ingest: () => import("./ingest.bench"),
  codes: () => import("./codes.bench"),
  webhook: () => import("./webhook.bench"),
  loaders: () => import("./loaders.bench"),
  web: () => import("./web.bench"),
};

const requested = process.argv[2];
if (requested && !benchmarks[requested]) {
  console.error(`Unknown benchmark "${requested}". Known: ${Object.keys(benchmarks).join(", ")}`);
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ambassadors-bench-pg-"));
// As root, embedded-postgres runs the server as a `postgres` user, which must reach the folder.
fs.chmodSync(dir, 0o755);
const dataDir = path.join(dir, "data");
const server = await startEmbeddedPostgres({ dataDir });
let exitCode = 0;
try {
  const serverUrl = server.url("postgres");
  await createEmptyDatabase(serverUrl, TEMPLATE_DATABASE);
  migrateDatabase(server.url(TEMPLATE_DATABASE));
  let databases = 0;
  const context: BenchContext = {
    freshDatabase: (label) => cloneTemplateDatabase(serverUrl, `bench_${label}_${databases++}`),
    postgresPid: () => Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]),
  };
  for (const name of requested ? [requested] : Object.keys(benchmarks)) {
    const { default: benchmark } = await benchmarks[name]();
    console.log(`\n== ${name}: ${benchmark.description}`);
    const figures = await benchmark.run((line) => console.log(`  ${line}`), context);
    console.log(JSON.stringify({ bench: name, ...figures }));
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
