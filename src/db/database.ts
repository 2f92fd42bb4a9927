import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import type { Config } from '../config.js';
import { AureaError, describeError } from '../errors.js';
import { acquireDataDirLock } from './lockfile.js';
import { createPGlitePool } from './pglite-pool.js';
import { BUILT_TEMPLATE, readPGliteTemplate } from './pglite-template.js';
import { redactUrl } from '../secrets.js';

/**
 * Session settings for every connection: HNSW search breadth 200 (pgvector's default is 40), which
 * keeps memory search recall@10 near 0.95 against exact search at 100k memories (bench/memory.ts; 100 gave 0.93).
 * On a server they travel in the startup packet (`options`), so no query races the first one.
 */
const SESSION_SETTINGS = { 'hnsw.ef_search': '200' } as const;
const startupOptions = Object.entries(SESSION_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(' ');
const setStatements = Object.entries(SESSION_SETTINGS).map(([k, v]) => `SET ${k} = ${v};`).join('\n');

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
 *   own node-postgres connection (src/db/pglite-pool.ts) with a Pool of exactly 1 (PGlite is one
 *   session), guarded by a lockfile. A data dir that does not exist yet is unpacked from the
 *   build's template (src/db/pglite-template.ts) when there is one, else made by initdb.
 * @param options.pgliteTemplate the template's path (default: the build's)
 * @throws AureaError DATABASE_LOCKED (embedded dir in use) or DATABASE_UNAVAILABLE (cannot connect)
 */
export async function openDatabase(config: Config, options: { pgliteTemplate?: string } = {}): Promise<Database> {
  const url = config.database.url;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, options: startupOptions });
    pool.on('error', () => undefined); // idle-client errors surface on the next query
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
    const pgDir = join(dataDir, 'pg');
    const template = existsSync(join(pgDir, 'PG_VERSION')) ? undefined : readPGliteTemplate(options.pgliteTemplate ?? BUILT_TEMPLATE);
    pglite = await PGlite.create(pgDir, { extensions: { vector }, ...(template ? { loadDataDir: template } : {}) });
    await pglite.exec(setStatements); // one session: set once, kept for every client of the pool
  } catch (err) {
    release();
    throw new AureaError('DATABASE_UNAVAILABLE', `Cannot open the embedded database in ${dataDir}: ${describeError(err)}`, { cause: err });
  }
  const pool = createPGlitePool(pglite);
  pool.on('error', () => undefined);
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
