import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Unit and integration tests: app code runs against the local shop over loopback and a
// real PostgreSQL server (test/setup/global-setup.ts); each test file gets a fresh,
// migrated database of its own (test/setup/env.ts).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/browser/**"],
    environment: "node",
    // The JSON report feeds the one-line summary .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-unit.json" },
    globalSetup: ["test/setup/global-setup.ts"],
    setupFiles: ["test/setup/env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
