import { defineConfig } from 'vitest/config';

// Tests run against the built package (dist/, build/), as users get it: `npm test` builds first.
// Cross-thread tests start their own workers and give each run a deadline; the per-test timeout
// is a backstop above those deadlines, and test/setup/watchdog.ts one below a blocked test thread.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/watchdog.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
