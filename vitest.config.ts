import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A throwaway PostgreSQL cluster for the PG tests (or $CONFSCOPE_TEST_PG_URL).
    globalSetup: ['test/pg-global-setup.ts'],
  },
});
