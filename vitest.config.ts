import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Every test file runs twice: on embedded PGlite and on a real Postgres with pgvector
 * (test/helpers/backend.ts; `bash test/run.sh` provides the server).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The PGlite templates every embedded test starts from, made once per run (initdb is slow in WASM).
    globalSetup: ['test/setup/templates.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites mostly wait (fake servers, timers, child processes); three at a time keeps a 2-core
    // machine busy without starving the CPU-bound ones (PGlite, pocketsphinx).
    maxWorkers: 3,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        // Restarting a Postgres server concerns the server backend only.
        test: {
          name: 'embedded',
          env: { AUREA_TEST_BACKEND: 'embedded' },
          exclude: [...configDefaults.exclude, 'test/faults/postgres-restart.test.ts'],
        },
      },
      // `aurea demo` always runs on its own embedded database, and `aurea init` and the file tools'
      // confinement open none: once is enough.
      { extends: true, test: { name: 'postgres', env: { AUREA_TEST_BACKEND: 'postgres' }, exclude: [...configDefaults.exclude, 'test/demo.test.ts', 'test/init.test.ts', 'test/security/confinement.test.ts', 'test/task-tools.test.ts'] } },
    ],
  },
});
