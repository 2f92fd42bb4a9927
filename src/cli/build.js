// `npm run build`: compiles the TypeScript to dist/ (tsc, the project's tsconfig with emit on),
// copies the SQL migrations beside the compiled migrate.js, and stamps the build for src/cli/bin.js.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
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
writeFileSync(`${root}dist/.built`, new Date().toISOString());
