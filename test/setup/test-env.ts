import path from "node:path";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
/** TEST_DATABASE_FILE lets two test runs in one checkout keep out of each other's way. */
export const TEST_DATABASE_FILE =
  process.env.TEST_DATABASE_FILE || path.join(repoRoot, "test-results", "test.sqlite");

/**
 * TEST_DATABASE_URL=postgresql://… runs the suite on PostgreSQL instead (`npm run
 * test:postgres`): global-setup empties that database's schema and migrates it.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || `file:${TEST_DATABASE_FILE}`;
export const TEST_ON_POSTGRES = /^postgres(ql)?:\/\//.test(TEST_DATABASE_URL);

/**
 * The environment the app is configured from in tests. Key and secret are Shopify's
 * test-helper constants, so `setUpValidRequest` signs requests our app accepts.
 */
export const testEnv = {
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET_KEY,
  SHOPIFY_APP_URL: "http://localhost:3999",
  SCOPES: "",
  DATABASE_URL: TEST_DATABASE_URL,
  HISTORY_SYNC_POLL_MS: "20",
  PROVISIONING_POLL_MS: "20",
  JOB_RETRY_BASE_MS: "10",
  // PostgreSQL: the job queue's schema (dropped with the database's at the start of a run),
  // how often a test waiting for a job looks at its state, how often idle workers look for jobs.
  JOB_QUEUE_SCHEMA: "pgboss_test",
  JOB_QUEUE_STATE_POLL_MS: "50",
  JOB_QUEUE_POLL_SECONDS: "0.5",
} as const;
