/**
 * The embedded database's template: a PGlite data directory made at build time (`npm run build`,
 * which `npm ci` runs) with pgvector created and every migration applied, saved as a gzipped tarball
 * (PGlite `dumpDataDir`) beside the compiled code. A fresh data dir is unpacked from it
 * (`loadDataDir`) instead of running initdb in WebAssembly: about 0.9 s instead of 2.5 s on the
 * 2-core machine (bench/startup.ts measures the start). Without a template (the sources run through
 * tsx, or a build without one) the data dir is made by initdb as before.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { migrate } from './migrate.js';
import { createPGlitePool } from './pglite-pool.js';

/** Where the build puts the template: beside this module in dist/ (absent beside the sources). */
export const BUILT_TEMPLATE = fileURLToPath(new URL('./pglite-template.tar.gz', import.meta.url));

/**
 * Makes the template: a new in-memory PGlite, migrated as AUREA migrates, dumped to `path`.
 * @returns its size in bytes
 */
export async function writePGliteTemplate(path: string): Promise<number> {
  const pglite = await PGlite.create({ extensions: { vector } });
  try {
    const pool = createPGlitePool(pglite);
    await migrate(pool);
    await pool.end();
    const tarball = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    writeFileSync(path, tarball);
    return tarball.length;
  } finally {
    await pglite.close().catch(() => undefined);
  }
}

/** The template at `path` as PGlite's `loadDataDir` takes it, or undefined when there is none. */
export function readPGliteTemplate(path: string): Blob | undefined {
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}
