import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Browser tests: Debian's Chromium (playwright-core) against the running demo (build/).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    // The JSON report feeds the one-line summary .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-browser.json" },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
