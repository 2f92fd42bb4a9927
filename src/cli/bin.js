#!/usr/bin/env node
// The `aurea` command. Runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci` runs through the `prepare` script), or the TypeScript sources through tsx's loader when
// there is no build or a source file is newer than it (while developing).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const stamp = `${root}dist/.built`;

/** Newest modification time (ms) of the .ts files under the source folders. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.sql')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'bots', 'graphs', 'jobs']) if (existsSync(`${root}${dir}`)) walk(`${root}${dir}`);
  return newest;
}

if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  await import(new URL('../../dist/src/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
