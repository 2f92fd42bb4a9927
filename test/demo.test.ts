/**
 * `aurea demo` as a newcomer meets it: a real terminal (tmux) running the README's first command's
 * `aurea demo`, driven by keystrokes. It opens with the demo service's status, deploys it behind a
 * typed approval, and after `demo break` shows the down alert with Diagnose.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import type { Step } from './fakes/llm-script.js';
import { REDIS_URL } from './helpers/harness.js';
import { Terminal } from './helpers/terminal.js';

const BIN = resolve('src/cli/bin.js');

/** The text of a model request's messages (string contents and tool results), oldest first. */
const texts = (body: any): string[] =>
  body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [m.content] : m.content.map((b: any) => (b.type === 'tool_result' ? String(b.content) : (b.text ?? '')))));

const HEALTHY = 'return { status: 200, body: { ok: true, revision: ctx.revision } };';
const EXACT_TEST = "assert.deepEqual(handle('GET', '/health', { dir: '.', revision: 'abc1234' }), { status: 200, body: { ok: true, revision: 'abc1234' } });";

/**
 * A scripted model for "make /health also say the uptime" on the demo service: the plan; round 1
 * adds the uptime (the demo's exact test then fails); told so, round 2 updates the test; finish.
 */
function uptimeModel(body: any): Step | undefined {
  const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
  const said = texts(body);
  if (tools.includes('submit_plan')) {
    return { kind: 'tool', name: 'submit_plan', input: { summary: 'Add the uptime to /health', steps: ['Add uptime in app.mjs', 'Run the tests'], files: ['app.mjs'], risk: 'low', tests: 'sh test.sh' } };
  }
  if (!tools.includes('finish')) return undefined;
  const fixing = said[0]!.includes('The tests failed');
  if (said.length === 1) {
    return fixing
      ? { kind: 'tool', name: 'edit_file', input: { path: 'test/app.test.mjs', old_string: EXACT_TEST, new_string: "const { status, body } = handle('GET', '/health', { dir: '.', revision: 'abc1234' });\n  assert.equal(status, 200);\n  assert.equal(body.revision, 'abc1234');\n  assert.equal(typeof body.uptime, 'number');" } }
      : { kind: 'tool', name: 'edit_file', input: { path: 'app.mjs', old_string: HEALTHY, new_string: 'return { status: 200, body: { ok: true, revision: ctx.revision, uptime: Math.round(process.uptime()) } };' } };
  }
  return { kind: 'tool', name: 'finish', input: { summary: fixing ? 'the health test allows the uptime' : 'health says the uptime' } };
}

describe('aurea demo in a terminal', () => {
  let term: Terminal | undefined;
  let dir: string | undefined;
  let anthropic: FakeAnthropicApi | undefined;
  afterEach(async () => {
    term?.kill();
    await anthropic?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys('aurea-demo:*');
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens with the status, deploys the demo behind a typed approval, and alerts with Diagnose after demo break', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aurea-demo-'));
    term = new Terminal(dir, [process.execPath, BIN, 'demo'], join(dir, 'data/demo/state/aurea.log'), { PATH: process.env.PATH!, REDIS_URL, NO_COLOR: '1', HOME: dir });

    // The first answer, without typing anything: the demo service's status.
    await term.expect(/The AUREA demo: a tiny service named "demo" runs on http:\/\/127\.0\.0\.1:(\d+)/);
    await term.expect(/aurea> \/status\n[\s\S]*AUREA status\n\nServices\n🟢 demo: up \(\d+ ms\)/);
    const port = term.screen().match(/runs on http:\/\/127\.0\.0\.1:(\d+)/)![1]!;

    let mark = term.screen().length;
    term.type('deploy demo');
    await term.expect(/Deploy of demo started: running its tests first/, mark);
    const approve = await term.expect(/Deploy demo\?\nRequested by \S+ on console\.\nTests: passed in [\d.]+s\n {2}2 tests passed\n⏳ Waiting for a founder to decide\n\[(\d+)\] ✅ Approve {3}\[\d+\] ❌ Reject/, mark);
    mark = term.screen().length;
    term.type(approve[1]!);
    await term.expect(/✅ demo deployed \(deploy passed in [\d.]+s\), healthy \(HTTP 200\)\./, mark);
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(dir, 'data/demo/service'), encoding: 'utf8' }).trim();
    expect(readFileSync(join(dir, 'data/demo/live/REVISION'), 'utf8').trim()).toBe(head);
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ ok: true, revision: head });

    mark = term.screen().length;
    term.type('demo break');
    await term.expect(/💥 The demo service now answers 503 on \/health/, mark);
    await term.expect(/🔴 demo is DOWN: HTTP 503\n\[\d+\] 🩺 Diagnose\n\[\d+\] ✔ Ack {3}\[\d+\] 💤 Snooze 1h/, mark);

    term.type('exit');
    await term.expect(/Stopping AUREA…/);
    const deadline = Date.now() + 20_000;
    while (!term.exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(term.exited()).toBe(true);
    // The demo service stopped with it.
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => 'answered', () => 'gone')).toBe('gone');

    // `rm -rf data` and the demo again, beside the same Redis (the demo's prefix is fixed, and its
    // completed jobs are kept): a new database's first approval still runs its deploy.
    term.kill();
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    term = new Terminal(dir, [process.execPath, BIN, 'demo'], join(dir, 'data/demo/state/aurea.log'), { PATH: process.env.PATH!, REDIS_URL, NO_COLOR: '1', HOME: dir });
    await term.expect(/aurea> \/status\n[\s\S]*🟢 demo: up/);
    mark = term.screen().length;
    term.type('deploy demo');
    const again = await term.expect(/Deploy demo\?\n[\s\S]*\[(\d+)\] ✅ Approve {3}\[\d+\] ❌ Reject/, mark);
    mark = term.screen().length;
    term.type(again[1]!);
    await term.expect(/✅ demo deployed \(deploy passed in [\d.]+s\), healthy \(HTTP 200\)\./, mark);
    term.type('exit');
    await term.expect(/Stopping AUREA…/, mark);
  }, 180_000);

  it('with a model key, /task demo … plans, codes, tests twice, asks, deploys, and the service says its uptime', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aurea-demo-'));
    anthropic = await FakeAnthropicApi.start();
    anthropic.respond = uptimeModel;
    term = new Terminal(dir, [process.execPath, BIN, 'demo'], join(dir, 'data/demo/state/aurea.log'), {
      PATH: process.env.PATH!,
      REDIS_URL,
      NO_COLOR: '1',
      HOME: dir,
      ANTHROPIC_API_KEY: anthropic.apiKey,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
    });
    await term.expect(/Try: .*·  \/task demo make \/health also say the uptime  ·  exit/);
    await term.expect(/🟢 demo: up/);
    const port = term.screen().match(/runs on http:\/\/127\.0\.0\.1:(\d+)/)![1]!;

    let mark = term.screen().length;
    term.type('/task demo make /health also say the uptime');
    const approve = await term.expect(/Task #1: deploy to demo\?\n[\s\S]*Tests, as AUREA measured them: exit 0 after [\d.]+s, \d+ lines? of output, round 2\/3\nWhat the tests printed \(code the model may have written\):\n {2}2 tests passed\n[\s\S]*\[(\d+)\] ✅ Approve {3}\[\d+\] ❌ Reject\n\[\d+\] 📄 Show diff/, mark);
    expect(term.screen().slice(mark)).toMatch(/plan ✓ · code ✓ · test 2\/3 ✗→✓ · approve ⏳/);
    mark = term.screen().length;
    term.type(approve[1]!);
    await term.expect(/plan ✓ · code ✓ · test 2\/3 ✗→✓ · approve ✓ · deploy ✓ · verify ✓/, mark);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { ok: boolean; uptime?: number };
    expect(health).toMatchObject({ ok: true, uptime: expect.any(Number) });
    term.type('exit');
    await term.expect(/Stopping AUREA…/);
  }, 120_000);
});
