import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { AureaError, describeError } from '../errors.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Any constant: serialises migrations when several processes start at once on one server. */
const MIGRATION_LOCK = 4_151_772;

/**
 * LangGraph's checkpoint tables are made by its PostgresSaver's setup(); that it ran is recorded in
 * schema_migrations as `@langchain/langgraph-checkpoint-postgres@<version>`, so a start loads the
 * saver (a large part of start-up) only after an install or an upgrade of it.
 */
const SAVER = '@langchain/langgraph-checkpoint-postgres';
const saverMark = (): string => `${SAVER}@${(createRequire(import.meta.url)(`${SAVER}/package.json`) as { version: string }).version}`;

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Applies the versioned SQL files in src/db/migrations (`NNNN_name.sql`, in order, each in its own
 * transaction, recorded in `schema_migrations`) and LangGraph's checkpoint tables. Safe to run twice
 * and from several processes at once (advisory lock).
 * @returns the file names applied now and the total known
 * @throws AureaError PGVECTOR_MISSING when the server cannot create the `vector` extension
 */
export async function migrate(pool: pg.Pool): Promise<MigrationResult> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (/extension "vector"|vector\.control/.test(describeError(err))) {
          throw new AureaError(
            'PGVECTOR_MISSING',
            'The Postgres server at DATABASE_URL has no pgvector extension. Use the pgvector/pgvector image ' +
              '(see docker-compose.yml) or install postgresql-<version>-pgvector, or unset DATABASE_URL to use the embedded database.',
            { cause: err },
          );
        }
        throw new AureaError('DATABASE_UNAVAILABLE', `Migration ${file} failed: ${describeError(err)}`, { cause: err });
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  // After release: on PGlite the pool has one connection, and the saver takes it for itself.
  const mark = saverMark();
  if ((await pool.query('SELECT 1 FROM schema_migrations WHERE version = $1', [mark])).rowCount === 0) {
    const { PostgresSaver } = await import('@langchain/langgraph-checkpoint-postgres');
    await new PostgresSaver(pool).setup(); // idempotent: several processes may run it at once
    await pool.query('INSERT INTO schema_migrations (version) VALUES ($1) ON CONFLICT DO NOTHING', [mark]);
  }
  return { applied, total: files.length };
}
