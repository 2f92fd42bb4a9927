import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../bots/channels.js';
import { loadConfig, type Config } from '../src/config.js';
import { writePGliteTemplate } from '../src/db/pglite-template.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { ROLES, startAurea } from '../src/main.js';
import { BACKEND, openTestDatabase } from './helpers/backend.js';

describe(`storage (${BACKEND})`, () => {
  let config: Config;
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, config, close } = await openTestDatabase());
  });
  afterAll(() => close?.());

  it('opens the backend the configuration names', () => {
    expect(db.kind).toBe(BACKEND);
  });

  it('applies migrations once; running them again changes nothing', async () => {
    const first = await migrate(db.pool);
    expect(first.applied).toEqual(['0001_init.sql', '0002_voice_notes.sql', '0003_memory.sql', '0004_llm.sql', '0005_voice_note_states.sql', '0006_approval_expiry.sql', '0007_graph_runs.sql', '0008_alert_outbox.sql', '0009_tasks.sql', '0010_agent_kit.sql', '0011_alert_responses.sql', '0012_founders.sql', '0013_trust_boundaries.sql', '0014_drop_pending_commands.sql', '0015_mcp_grants.sql', '0016_task_feedback.sql', '0017_event_outbox.sql', '0018_incidents.sql']);
    const second = await migrate(db.pool);
    expect(second.applied).toEqual([]);
    const tables = (await db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.table_name);
    expect(tables).toEqual(
      expect.arrayContaining(['audit_log', 'ai_agent_registry', 'ai_agent_executions', 'ai_system_alerts', 'approvals', 'processed_updates', 'voice_notes', 'ai_persistent_memory', 'llm_calls', 'chat_turns', 'tasks', 'service_leases', 'founders', 'checkpoints', 'checkpoint_writes', 'checkpoint_blobs']),
    );
    expect(tables).not.toContain('pending_commands'); // a dead table, dropped by 0014
  });

  it('has pgvector, searched with ef_search 200 on every connection', async () => {
    const { rows } = await db.pool.query(`SELECT '[1,2,3]'::vector <=> '[1,2,3]'::vector AS d`);
    expect(rows[0].d).toBe(0);
    const clients = await Promise.all(Array.from({ length: BACKEND === 'embedded' ? 1 : 3 }, () => db.pool.connect()));
    for (const c of clients) {
      expect((await c.query('SHOW hnsw.ef_search')).rows[0]['hnsw.ef_search']).toBe('200');
      c.release();
    }
  });

  it('keeps audit_log append-only', async () => {
    await db.pool.query(`INSERT INTO audit_log (actor, action) VALUES ('system:test', 'test.row')`);
    await expect(db.pool.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  // The lockfile and the one-process rule belong to the embedded database only.
  if (BACKEND === 'embedded') {
  it('refuses a second opener of the same data dir with a clear message', async () => {
    await expect(openDatabase(config)).rejects.toMatchObject({
      code: 'DATABASE_LOCKED',
      message: expect.stringMatching(/in use by another AUREA process \(pid \d+\)\. Stop that process, or set DATABASE_URL/),
    });
  });

  it('refuses to run the bot and the worker apart without DATABASE_URL', async () => {
    await expect(startAurea(config, ROLES.worker)).rejects.toMatchObject({ code: 'EMBEDDED_DB_SPLIT' });
    await expect(startAurea(config, ROLES.bot)).rejects.toMatchObject({ code: 'EMBEDDED_DB_SPLIT' });
  });

  it('unpacks a fresh data dir from the build\'s template (migrated, with pgvector); an existing one is never replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-template-'));
    const template = join(dir, 'template.tar.gz');
    expect(await writePGliteTemplate(template)).toBeGreaterThan(100_000);
    const fresh = loadConfig({ AUREA_DATA_DIR: join(dir, 'data') }, CHANNELS);
    let opened = await openDatabase(fresh, { pgliteTemplate: template });
    try {
      // Nothing left to migrate: the template holds every migration and LangGraph's checkpoint tables.
      expect((await migrate(opened.pool)).applied).toEqual([]);
      expect((await opened.pool.query(`SELECT '[1,2]'::vector <=> '[1,2]'::vector AS d`)).rows[0].d).toBe(0);
      expect((await opened.pool.query('SHOW hnsw.ef_search')).rows[0]['hnsw.ef_search']).toBe('200');
      await opened.pool.query(`INSERT INTO audit_log (actor, action) VALUES ('system:test', 'kept.row')`);
    } finally {
      await opened.close();
    }
    opened = await openDatabase(fresh, { pgliteTemplate: template });
    try {
      expect((await opened.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'kept.row'`)).rows[0].n).toBe(1);
    } finally {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  }
});
