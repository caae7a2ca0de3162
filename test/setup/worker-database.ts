import { cloneTemplateDatabase } from "../utils/database";
import { TEST_DATABASE_PREFIX_VARIABLE, TEST_POSTGRES_URL_VARIABLE } from "./test-env";

function testServer() {
  const serverUrl = process.env[TEST_POSTGRES_URL_VARIABLE];
  const prefix = process.env[TEST_DATABASE_PREFIX_VARIABLE];
  if (!serverUrl || !prefix) throw new Error("No test database server: run the tests through vitest (test/setup/global-setup.ts).");
  return { serverUrl, prefix };
}

/**
 * A new database for the test file about to run, cloned from the migrated template. It
 * replaces the one the worker's previous file had, so each file starts empty.
 */
export async function testDatabaseOfWorker(): Promise<string> {
  const { serverUrl, prefix } = testServer();
  return cloneTemplateDatabase(serverUrl, `${prefix}worker_${process.env.VITEST_POOL_ID ?? "0"}`);
}

let count = 0;

/** A new database of its own, cloned from the template (a demo or a second instance). */
export async function freshTestDatabase(label: string): Promise<string> {
  const { serverUrl, prefix } = testServer();
  return cloneTemplateDatabase(serverUrl, `${prefix}${label}_${process.pid}_${count++}`);
}
