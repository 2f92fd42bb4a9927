/**
 * PGlite data dirs to start embedded tests from, made once per `vitest run` (test/setup/templates.ts,
 * a globalSetup that passes their folder in AUREA_TEST_PGLITE_TEMPLATES) instead of once per test
 * file: initdb in WASM costs 5-20 s of CPU each time on the 2-core machine, the migrations one more.
 * Outside vitest (a benchmark) they are made once per process.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { CHANNELS } from '../../bots/channels.js';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

/** The environment variable naming the folder that holds `empty/pg` and `migrated/pg`. */
export const TEMPLATES_ENV = 'AUREA_TEST_PGLITE_TEMPLATES';

/**
 * Makes both templates under `root`: `empty/pg` (initdb only) and `migrated/pg` (every migration).
 * @returns `root`
 */
export async function makeTemplates(root: string): Promise<string> {
  const empty = join(root, 'empty');
  const db = await openDatabase(loadConfig({ AUREA_DATA_DIR: empty }, CHANNELS));
  await db.close();
  cpSync(join(empty, 'pg'), join(root, 'migrated', 'pg'), { recursive: true });
  const migrated = await openDatabase(loadConfig({ AUREA_DATA_DIR: join(root, 'migrated') }, CHANNELS));
  await migrate(migrated.pool);
  await migrated.close();
  return root;
}

let local: Promise<string> | undefined;

/** The templates' folder: the run's (globalSetup), or this process's own. */
function templates(): Promise<string> {
  const shared = process.env[TEMPLATES_ENV];
  if (shared) return Promise.resolve(shared);
  local ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'aurea-templates-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    return makeTemplates(root);
  })();
  return local;
}

/**
 * Copies a template PGlite data dir to `<dataDir>/pg` (about 0.3 s).
 * @param which `migrated` (what a harness starts from) or `empty` (a database before its first migration)
 */
export async function copyTemplate(which: 'empty' | 'migrated', dataDir: string): Promise<void> {
  cpSync(join(await templates(), which, 'pg'), join(dataDir, 'pg'), { recursive: true });
}
