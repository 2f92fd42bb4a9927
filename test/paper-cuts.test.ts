/**
 * What a new user tripped over, each shown fixed: a task whose developer changed nothing does not
 * ask to deploy "(no changes)"; with no model and AUREA's own developer, Diagnose does not offer a
 * fix task that would stop for want of a model; the demo names the Diagnose button as it is; and
 * every installed package runs on the Node.js the project says it needs (npm ci warns of none).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { DIAGNOSE } from '../src/alerts/service.js';
import { prepareDemo } from '../src/cli/demo.js';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown, tap } from './helpers/chat.js';
import { Harness } from './helpers/harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe(`paper cuts (${BACKEND})`, () => {
  const track = closedAfterEach();

  it('a task whose developer changes nothing stops and says so; nothing is asked or deployed', async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = (body: any) => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'Look around', steps: ['Read the code'], files: [], risk: 'low', tests: 'sh test.sh' } };
      return tools.includes('finish') ? { kind: 'tool', name: 'finish', input: { summary: 'it already works' } } : undefined;
    };
    const h = track(await Harness.create({ yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n', env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' } }));
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing make it faster'));
    const stopped = await shown(h, /^⏹ Task #1 on billing stopped/, { timeoutMs: 60_000 });
    expect(stopped.text).toBe('⏹ Task #1 on billing stopped: the developer changed nothing (it already works), so there is nothing to test or deploy.');
    await h.settled();
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /deploy to billing\?/.test(m.text))).toEqual([]);
    expect(await h.query(`SELECT status FROM tasks`)).toEqual([{ status: 'stopped' }]);
    expect(await h.query(`SELECT count(*)::int AS n FROM approvals`)).toEqual([{ n: 0 }]);
    expect(h.repo.deploys).toEqual([]);
  });

  it('without a model, Diagnose on a service with AUREA\'s own developer proposes no fix task and says what it would need', async () => {
    const h = track(await Harness.create({ monitorEvery: '300ms' }));
    await h.start();
    h.service.healthy = false;
    const alert = await shown(h, /^🔴 billing is DOWN/);
    expect(alert.buttons.map((b) => b.text)).toContain(DIAGNOSE.label);
    tap(h, alert, /Diagnose/);
    const diagnosis = await shown(h, /^🩺 Diagnosis: billing/);
    expect(diagnosis.text).toMatch(/\n\nNo remedy proposed: no recent task deploy to undo, and a fix task needs a language model \(set ANTHROPIC_API_KEY or OPENAI_API_KEY, or services\.billing\.developer\.command for a coding CLI\)\.$/);
    expect(diagnosis.buttons).toEqual([]);
    await h.settled();
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /fix task for billing\?/.test(m.text))).toEqual([]);
    expect(await h.query(`SELECT count(*)::int AS n FROM approvals`)).toEqual([{ n: 0 }]);
  });

  it('the demo names the Diagnose button as the alert shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-demo-intro-'));
    const demo = await prepareDemo({ AUREA_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH });
    try {
      expect(demo.intro).toContain(`demo break (a down alert with ${DIAGNOSE.label} follows)`);
      expect(demo.intro).not.toContain('🔍');
    } finally {
      await demo.service.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every installed package's engines accept the oldest Node.js the project says it runs on (npm ci warns of no EBADENGINE)", () => {
    const root = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }> };
    const oldest = semver.minVersion(root.engines.node)!.version;
    const refused = Object.entries(lock.packages).flatMap(([path, p]) => {
      const range = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      return path && !p.optional && range && !semver.satisfies(oldest, range) ? [`${path.replace(/^.*node_modules\//, '')} needs node ${range}`] : [];
    });
    expect(refused).toEqual([]);
    expect(semver.satisfies(process.version, root.engines.node)).toBe(true);
  });
});
