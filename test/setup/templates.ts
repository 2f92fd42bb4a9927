/**
 * vitest globalSetup: the PGlite templates (test/helpers/pglite-templates.ts) made once for the whole
 * run, before any test file starts, and removed after the last one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTemplates, TEMPLATES_ENV } from '../helpers/pglite-templates.js';

export default async function setup(): Promise<() => void> {
  const root = await makeTemplates(mkdtempSync(join(tmpdir(), 'aurea-templates-')));
  process.env[TEMPLATES_ENV] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
