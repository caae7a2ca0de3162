import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../prisma/embedded-postgres";
import {
  createEmptyDatabase,
  databasesNamed,
  dropDatabase,
  migrateDatabase,
  TEMPLATE_DATABASE,
} from "../utils/database";
import { reliabilitySummary, resetReliabilityLedger } from "../reliability/ledger";
import { TEST_DATABASE_PREFIX_VARIABLE, TEST_POSTGRES_URL_VARIABLE } from "./test-env";

/**
 * One PostgreSQL server per run: an embedded one (a new throwaway cluster), or the server
 * at TEST_POSTGRES_URL. The committed migrations build a template database once; each
 * test worker gets a clone of it (env.ts), so every run starts from an empty, migrated
 * database without migrating per worker.
 */
export default async function setup() {
  let serverUrl = process.env[TEST_POSTGRES_URL_VARIABLE];
  let stopServer = async () => {};
  let dataDir: string | null = null;
  if (!serverUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ambassadors-test-pg-"));
    // The server may run as another user (as root, embedded-postgres runs it as "postgres").
    fs.chmodSync(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "data"), throwaway: true });
    serverUrl = server.url("postgres");
    stopServer = () => server.stop();
  }
  const prefix = `ambassadors_test_${process.pid}_`;
  await createEmptyDatabase(serverUrl, TEMPLATE_DATABASE);
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  migrateDatabase(templateUrl.toString());
  // Workers (and processes they start) find the server and their database's name here.
  process.env[TEST_POSTGRES_URL_VARIABLE] = serverUrl;
  process.env[TEST_DATABASE_PREFIX_VARIABLE] = prefix;
  resetReliabilityLedger();

  return async () => {
    const summary = reliabilitySummary();
    if (summary) console.log(`\n${summary}\n`);
    for (const database of await databasesNamed(serverUrl, prefix)) await dropDatabase(serverUrl, database);
    await stopServer();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
