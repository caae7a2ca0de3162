import { testEnv } from "./test-env";

// Runs before each test file imports the app: shopify.server.ts and db.server.ts read
// their configuration from the environment at import.
Object.assign(process.env, testEnv);
