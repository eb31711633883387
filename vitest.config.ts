import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests that hold the product to a wall-clock bound a user sees on an otherwise idle machine (the
 * first start goes live within 10 s): they run alone, after the rest of the suite, so that two test
 * workers, their servers and Chromium on a 2-core machine do not decide the outcome. The benchmark
 * smoke run joins them: it starts whole clusters and 20,000-series servers, which would otherwise
 * load the machine under every other test's timing.
 */
const ALONE = ["tests/e2e/first-start.test.ts", "tests/integration/bench-smoke.test.ts"];

export default defineConfig({
  test: {
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/exit-on-term.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "suite", include: ["tests/**/*.test.ts"], exclude: [...configDefaults.exclude, ...ALONE], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
