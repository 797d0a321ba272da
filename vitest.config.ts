import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Builds the pinned toolchain (cached after the first run) and starts one throwaway
    // PostgreSQL server for the whole run; tears it down even when tests fail.
    globalSetup: ["test/support/global-setup.ts"],
    // Real tofu plans and applies take seconds each.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // Two cores: real tofu runs contend, so files run one at a time.
    fileParallelism: false,
  },
});
