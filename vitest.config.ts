import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real Redis, git and child processes on a 2-core machine. Most of the suite waits (GitHub's
    // paced writes and retry waits, time limits, backoffs): measured, it keeps about one core
    // busy, so 3 files at once finish in ~460 s where 2 took ~580 s, every test passing.
    maxWorkers: 3,
    env: { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  },
});
