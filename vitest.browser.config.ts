import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Browser tests: Debian's Chromium (playwright-core) against the running demo (build/),
// each file on a database of its own on the run's PostgreSQL server.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    // The JSON report feeds the one-line summary .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-browser.json" },
    globalSetup: ["test/setup/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
