import path from "node:path";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * The PostgreSQL server the tests run on: global-setup starts an embedded one and sets
 * this. Set it yourself (a URL whose role may create databases) to test on another
 * server, e.g. the oldest version we support: `TEST_POSTGRES_URL=postgresql://… npm run test:unit`.
 */
export const TEST_POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL";
/** Each run's databases are named with this prefix (global-setup), so runs keep apart. */
export const TEST_DATABASE_PREFIX_VARIABLE = "TEST_DATABASE_PREFIX";

/**
 * The environment the app is configured from in tests (DATABASE_URL is set per test
 * worker by env.ts). Key and secret are Shopify's test-helper constants, so
 * `setUpValidRequest` signs requests our app accepts.
 */
export const testEnv = {
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET_KEY,
  SHOPIFY_APP_URL: "http://localhost:3999",
  SCOPES: "",
  HISTORY_SYNC_POLL_MS: "20",
  PROVISIONING_POLL_MS: "20",
  JOB_RETRY_BASE_MS: "10",
  // The job queue's schema; how often a test waiting for a job looks at its state, how
  // often idle workers look for jobs.
  JOB_QUEUE_SCHEMA: "pgboss_test",
  JOB_QUEUE_STATE_POLL_MS: "50",
  JOB_QUEUE_POLL_SECONDS: "0.5",
} as const;
