import fs from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../utils/database";
import { reliabilitySummary, resetReliabilityLedger } from "../reliability/ledger";
import { TEST_DATABASE_FILE, testEnv } from "./test-env";

// A fresh, migrated SQLite file for each run: the database in tests is a real database.
export default function setup() {
  fs.mkdirSync(path.dirname(TEST_DATABASE_FILE), { recursive: true });
  for (const suffix of ["", "-journal", "-wal", "-shm"]) {
    fs.rmSync(TEST_DATABASE_FILE + suffix, { force: true });
  }
  migrateDatabase(testEnv.DATABASE_URL);
  resetReliabilityLedger();
  return () => {
    const summary = reliabilitySummary();
    if (summary) console.log(`\n${summary}\n`);
  };
}
