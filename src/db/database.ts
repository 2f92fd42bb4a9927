import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import type { Config } from '../config.js';
import { AureaError, describeError } from '../errors.js';
import { acquireDataDirLock } from './lockfile.js';
import { redactUrl } from '../secrets.js';

/**
 * Session settings for every connection: HNSW search breadth 200 (pgvector's default is 40), which
 * keeps memory search recall@10 near 0.95 against exact search at 100k memories (bench/memory.ts; 100 gave 0.93).
 */
const SESSION_SETTINGS = 'SET hnsw.ef_search = 200';

/** The one database handle the process shares: a node-postgres Pool over either Postgres or PGlite. */
export interface Database {
  pool: pg.Pool;
  /** `postgres` = DATABASE_URL; `embedded` = PGlite in AUREA_DATA_DIR (one session, pool of 1). */
  kind: 'postgres' | 'embedded';
  /** Human description for status/doctor, without credentials. */
  describe: string;
  close(): Promise<void>;
}


/**
 * Opens the database named by the configuration.
 * - `DATABASE_URL` set: a pg Pool (10 connections) on that server.
 * - unset: PGlite with pgvector persisted in `<AUREA_DATA_DIR>/pg`, reached through PGlite's
 *   node-postgres adapter with a Pool of exactly 1 (PGlite is one session), guarded by a lockfile.
 * @throws AureaError DATABASE_LOCKED (embedded dir in use) or DATABASE_UNAVAILABLE (cannot connect)
 */
export async function openDatabase(config: Config): Promise<Database> {
  const url = config.database.url;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
    pool.on('error', () => undefined); // idle-client errors surface on the next query
    pool.on('connect', (client) => void client.query(SESSION_SETTINGS).catch(() => undefined));
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new AureaError('DATABASE_UNAVAILABLE', `Cannot reach Postgres at ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
    }
    return { pool, kind: 'postgres', describe: `postgres ${redactUrl(url)}`, close: () => pool.end() };
  }

  const dataDir = config.database.dataDir;
  const release = acquireDataDirLock(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(join(dataDir, 'pg'), { extensions: { vector } });
  } catch (err) {
    release();
    throw new AureaError('DATABASE_UNAVAILABLE', `Cannot open the embedded database in ${dataDir}: ${describeError(err)}`, { cause: err });
  }
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  pool.on('connect', (client) => void client.query(SESSION_SETTINGS).catch(() => undefined));
  return {
    pool,
    kind: 'embedded',
    describe: `embedded PGlite in ${dataDir}`,
    async close() {
      await pool.end().catch(() => undefined);
      await pglite.close().catch(() => undefined);
      release();
    },
  };
}
