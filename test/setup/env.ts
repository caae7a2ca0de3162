import { afterAll } from "vitest";
import { testEnv } from "./test-env";

// Runs before each test file imports the app: shopify.server.ts and db.server.ts read
// their configuration from the environment at import.
Object.assign(process.env, testEnv);

// Background jobs a test file started (e.g. the history sync an install triggers) end
// with that file, so they never run into the next one.
afterAll(async () => {
  const { drainJobs } = await import("~/jobs/runner.server");
  await drainJobs();
});
