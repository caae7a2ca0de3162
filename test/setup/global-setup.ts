import fs from "node:fs";
import path from "node:path";
import { migrateDatabase, resetPostgresDatabase } from "../utils/database";
import { reliabilitySummary, resetReliabilityLedger } from "../reliability/ledger";
import { TEST_DATABASE_FILE, TEST_DATABASE_URL, TEST_ON_POSTGRES, testEnv } from "./test-env";

// A fresh, migrated database for each run: the database in tests is a real database.
// SQLite: a new file. PostgreSQL (TEST_DATABASE_URL): the schema dropped and recreated.
export default async function setup() {
  if (TEST_ON_POSTGRES) {
    await resetPostgresDatabase(TEST_DATABASE_URL);
  } else {
    fs.mkdirSync(path.dirname(TEST_DATABASE_FILE), { recursive: true });
    for (const suffix of ["", "-journal", "-wal", "-shm"]) {
      fs.rmSync(TEST_DATABASE_FILE + suffix, { force: true });
    }
  }
  migrateDatabase(testEnv.DATABASE_URL);
  resetReliabilityLedger();
  return () => {
    const summary = reliabilitySummary();
    if (summary) console.log(`\n${summary}\n`);
  };
}
