/**
 * Which Postgres the suite runs on. vitest.config.ts runs every test file twice, as the projects
 * `embedded` (PGlite in a temp dir) and `postgres` (a real server with pgvector, one fresh database
 * per test). `bash test/run.sh` installs and starts that server; `AUREA_TEST_PG_URL` names it
 * (default: postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { CHANNELS } from '../../bots/channels.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { copyTemplate } from './pglite-templates.js';

export type Backend = 'embedded' | 'postgres';

export const BACKEND: Backend = process.env.AUREA_TEST_BACKEND === 'postgres' ? 'postgres' : 'embedded';

/** A database on the server where the test may create and drop databases. */
export const PG_ADMIN_URL = process.env.AUREA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** DATABASE_URL of a new, empty database. */
  url: string;
  /** Drops it, closing whatever is still connected. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `The postgres test backend needs a Postgres server with pgvector at ${PG_ADMIN_URL} (${(err as Error).message}). ` +
        'Run the tests with `bash test/run.sh`, which installs and starts one, or set AUREA_TEST_PG_URL.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database on the test server. @throws when the server does not answer (says how to start one) */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `aurea_test_${randomUUID().replaceAll('-', '')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The DATABASE_URL environment for one AUREA under test: on the postgres backend a new database
 * (dropped by the returned `drop`), on the embedded backend nothing (PGlite in AUREA_DATA_DIR).
 */
export async function testDatabaseEnv(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (BACKEND === 'embedded') return { env: {}, drop: async () => undefined };
  const db = await createTestDatabase();
  return { env: { DATABASE_URL: db.url }, drop: db.drop };
}

/**
 * Opens a database of the current backend, not migrated yet, for a test that needs only storage:
 * PGlite in a new temp dir (a copy of the run's empty template: initdb done once), or a new database
 * on the server.
 * @returns the Database, its Config, and `close` (closes and drops it)
 */
export async function openTestDatabase(): Promise<{ db: Database; config: Config; close(): Promise<void> }> {
  const { env, drop } = await testDatabaseEnv();
  const config = loadConfig({ AUREA_DATA_DIR: mkdtempSync(join(tmpdir(), 'aurea-db-')), ...env }, CHANNELS);
  if (BACKEND === 'embedded') await copyTemplate('empty', config.database.dataDir);
  const db = await openDatabase(config);
  return {
    db,
    config,
    async close() {
      await db.close();
      await drop();
      rmSync(config.database.dataDir, { recursive: true, force: true });
    },
  };
}
