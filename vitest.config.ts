import { defineConfig } from "vitest/config";

// Unit tests run in Node beside the code; e2e/ belongs to Playwright.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "workers/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
