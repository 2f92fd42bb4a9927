// `npm run build`: compiles the TypeScript to dist/ (tsc, the project's tsconfig with emit on),
// copies the SQL migrations beside the compiled migrate.js, makes the embedded database's template
// (a migrated PGlite data dir, src/db/pglite-template.ts: a fresh start unpacks it instead of
// running initdb), and stamps the build for src/cli/bin.js.
// A build of the current sources is kept (`--force` rebuilds): `npx aurea` in this folder runs the
// `prepare` script again the first time (npm exec links the folder's own package into its cache),
// and recompiling there made the quick start's first command wait 15 s more.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { builtIsCurrent, root, stamp } from './stamp.js';

if (builtIsCurrent() && !process.argv.includes('--force')) process.exit(0);
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // Installed without dev dependencies (npm ci --omit=dev): bin.js runs the sources through tsx.
  console.log('aurea build: typescript is not installed; `aurea` will run the TypeScript sources through tsx.');
  process.exit(0);
}
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.json`, '--noEmit', 'false', '--outDir', `${root}dist`, '--rootDir', root], { stdio: 'inherit' });
cpSync(`${root}src/db/migrations`, `${root}dist/src/db/migrations`, { recursive: true });
const { BUILT_TEMPLATE, writePGliteTemplate } = await import(pathToFileURL(`${root}dist/src/db/pglite-template.js`).href);
await writePGliteTemplate(BUILT_TEMPLATE);
writeFileSync(stamp, new Date().toISOString());
