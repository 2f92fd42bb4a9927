/**
 * The demo service's files, as `aurea demo` writes them under `<data dir>/demo/`: a tiny HTTP
 * service with `/health`, its tests (node:test), and deploy/rollback scripts that copy a commit to
 * `live/` and back. The server outside the repo serves whatever `live/` holds, so a deploy or a
 * rollback changes what answers without restarting anything.
 */

/** `server.mjs` (outside the repo): serves `live/app.mjs`, reloaded when `live/REVISION` changes. */
export const SERVER = `// The demo service's process (written by \`aurea demo\`): node server.mjs <port> <live dir>.
// It serves the deployed copy in <live dir> and reloads it when a deploy or rollback changes REVISION.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [port, live] = process.argv.slice(2);
let loaded = { revision: null, app: null };
async function current() {
  const revision = readFileSync(join(live, 'REVISION'), 'utf8').trim();
  if (revision !== loaded.revision) loaded = { revision, app: await import(pathToFileURL(join(live, 'app.mjs')).href + '?revision=' + revision) };
  return loaded;
}
createServer(async (req, res) => {
  try {
    const { app, revision } = await current();
    const { status, body } = app.handle(req.method, req.url, { dir: live, revision });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  } catch (err) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: String(err) }));
  }
}).listen(Number(port), '127.0.0.1', () => console.log('demo service listening on ' + port));
`;

/** The repo's files: path → content. */
export const REPO: Record<string, string> = {
  'app.mjs': `import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The demo service: GET /health says whether it is healthy and which revision runs. */
export function handle(method, url, ctx) {
  if (url === '/health') {
    // \`demo break\` in AUREA's console drops a BROKEN file into the deployed copy.
    if (existsSync(join(ctx.dir, 'BROKEN'))) return { status: 503, body: { ok: false, error: 'broken on purpose (demo break)' } };
    return { status: 200, body: { ok: true, revision: ctx.revision } };
  }
  if (url === '/') return { status: 200, body: { hello: 'from the AUREA demo service' } };
  return { status: 404, body: { error: 'not found' } };
}
`,
  'test/app.test.mjs': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handle } from '../app.mjs';

test('GET /health is healthy and names the revision', () => {
  assert.deepEqual(handle('GET', '/health', { dir: '.', revision: 'abc1234' }), { status: 200, body: { ok: true, revision: 'abc1234' } });
});

test('an unknown path is a 404', () => {
  assert.equal(handle('GET', '/nope', { dir: '.', revision: 'abc1234' }).status, 404);
});
`,
  'deploy.sh': `#!/bin/sh
# Deploys the checked-out commit: a copy in ../live (the previous one kept in ../live.prev for rollback).
set -e
revision=$(git rev-parse --short HEAD)
rm -rf ../live.next && mkdir ../live.next
git archive HEAD | tar -x -C ../live.next
echo "$revision" > ../live.next/REVISION
rm -rf ../live.prev
if [ -d ../live ]; then mv ../live ../live.prev; fi
mv ../live.next ../live
echo "deployed $revision"
`,
  'rollback.sh': `#!/bin/sh
# Puts the previous deployed copy back.
set -e
if [ ! -d ../live.prev ]; then echo "nothing to roll back to"; exit 1; fi
rm -rf ../live.rolled-back
mv ../live ../live.rolled-back
mv ../live.prev ../live
echo "rolled back to $(cat ../live/REVISION)"
`,
  'test.sh': `#!/bin/sh
# Runs the tests (node:test); on success says how many passed in one line, else shows the failures.
out=$(node --test --test-reporter=tap 2>&1)
status=$?
if [ $status -eq 0 ]; then echo "$(echo "$out" | sed -n 's/^# pass //p') tests passed"; else echo "$out"; fi
exit $status
`,
  'package.json': `{ "name": "aurea-demo-service", "private": true, "type": "module", "scripts": { "test": "sh test.sh" } }
`,
  'README.md': `# The AUREA demo service

A tiny HTTP service for \`aurea demo\`: \`app.mjs\` answers \`/health\`; \`sh test.sh\` runs its tests;
\`deploy.sh\` copies the checked-out commit to \`../live\`, which \`../server.mjs\` serves; \`rollback.sh\`
puts the previous copy back.
`,
};
