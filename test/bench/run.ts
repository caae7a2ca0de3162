/**
 * `npm run bench [name]`: runs one benchmark (or all). Each prints readable figures and,
 * as its very last line, one JSON object `{"bench": "<name>", ...figures}` so results can
 * be compared run to run. Benchmarks are never part of `npm test`.
 */
import type { Benchmark } from "./benchmark";

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

for (const name of requested ? [requested] : Object.keys(benchmarks)) {
  const { default: benchmark } = await benchmarks[name]();
  console.log(`\n== ${name}: ${benchmark.description}`);
  const figures = await benchmark.run((line) => console.log(`  ${line}`));
  console.log(JSON.stringify({ bench: name, ...figures }));
}
process.exit(0);
