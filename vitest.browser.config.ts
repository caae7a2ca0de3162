import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Browser tests: Debian's Chromium (playwright-core) against the running demo (build/).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
