/**
 * Runs a command (e.g. `shopify app dev`) with DATABASE_URL set: the embedded PostgreSQL
 * server when it is unset (scripts/local-database.ts), migrated first. The server stops
 * when the command ends.
 *
 *   tsx scripts/with-local-database.ts <command> [args…]
 */
import { spawn, spawnSync } from "node:child_process";
import { localDatabase } from "./local-database";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("Usage: tsx scripts/with-local-database.ts <command> [args…]");
  process.exit(1);
}
const database = await localDatabase();
const env = { ...process.env, DATABASE_URL: database.url };
const migrated = spawnSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env });
if (migrated.status !== 0) {
  await database.stop();
  process.exit(migrated.status ?? 1);
}
const child = spawn(command, args, { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  void database.stop().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
