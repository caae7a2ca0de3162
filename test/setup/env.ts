import { afterAll, afterEach } from "vitest";
import { testDatabaseOfWorker } from "./worker-database";
import { testEnv } from "./test-env";

// Runs before each test file imports the app: shopify.server.ts and db.server.ts read
// their configuration from the environment at import. Each worker has its own database.
Object.assign(process.env, testEnv, { DATABASE_URL: await testDatabaseOfWorker() });

// Background jobs a test started (e.g. the history sync an install triggers) finish
// before the next test, while that test's local shop is still up.
afterEach(async () => {
  const { drainJobs } = await import("~/jobs/runner.server");
  await drainJobs();
});

// This file's queue workers stop before the next file (whose local shop and options
// differ) could be handed a job.
afterAll(async () => {
  const { stopJobQueue } = await import("~/jobs/queue.server");
  await stopJobQueue();
});
