import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Every test file runs twice: on embedded PGlite and on a real Postgres with pgvector
 * (test/helpers/backend.ts; `bash test/run.sh` provides the server).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real PGlite instances and child processes; two at a time fits a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        // Restarting a Postgres server concerns the server backend only.
        test: { name: 'embedded', env: { AUREA_TEST_BACKEND: 'embedded' }, exclude: [...configDefaults.exclude, 'test/faults/postgres-restart.test.ts'] },
      },
      { extends: true, test: { name: 'postgres', env: { AUREA_TEST_BACKEND: 'postgres' } } },
    ],
  },
});
