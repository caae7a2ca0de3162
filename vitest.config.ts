import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Unit and integration tests: app code runs against the local shop over loopback and a
// real SQLite file (created and migrated once per run by test/setup/global-setup.ts).
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
    // One SQLite file is shared by the run: files run one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
