/**
 * Self-healing: a task's deploy takes the service down → the monitor's alert carries 🩺 Diagnose →
 * the diagnosis names the deploy and proposes rolling back to the commit before it (with a model
 * choosing through `propose_remedy`, and without a model by the rule) → ↩ Roll back → healthy again.
 * Then, with no deploy left to undo, the next outage gets 🛠 Open a fix task → the task deploys → its
 * fix is remembered as the solution for that error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import { FOUNDER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

const PLAN = { summary: 'write the notes', steps: ['write NOTES.md'], files: ['NOTES.md'], risk: 'low', tests: 'sh test.sh' };

describe.each([
  { model: false, reason: /task #1 deployed within 1h before the failure/, fix: 'fix the service: its health check fails (HTTP 503)' },
  { model: true, reason: /the notes deploy broke the health handler/, fix: 'restore the health handler' },
])('Diagnose on a down alert (model: $model)', ({ model, reason, fix }) => {
  let h: Harness;
  let anthropic: FakeAnthropicApi | undefined;
  const messages = () => h.telegram.messagesTo(FOUNDER.id);
  const head = () => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim();

  beforeAll(async () => {
    if (model) {
      anthropic = await FakeAnthropicApi.start();
      anthropic.respond = (body) => {
        const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
        if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: PLAN };
        if (tools.includes('propose_remedy')) {
          const evidence = JSON.stringify(body.messages);
          return evidence.includes('No task has deployed this service')
            ? { kind: 'tool', name: 'propose_remedy', input: { action: 'fix_task', reason: 'nothing recent to undo', task: 'restore the health handler' } }
            : { kind: 'tool', name: 'propose_remedy', input: { action: 'rollback', reason: 'the notes deploy broke the health handler' } };
        }
        return undefined;
      };
    }
    h = await Harness.create({
      monitorEvery: '300ms',
      serviceYaml: 'developer:\n  command: sh tools/coding-agent.sh\nlogs: echo "GET /health 503 handler crashed"',
      ...(anthropic ? { yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n', env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' } } : {}),
    });
    mkdirSync(join(h.repo.dir, 'tools'));
    writeFileSync(join(h.repo.dir, 'tools', 'coding-agent.sh'), 'echo "notes" > NOTES.md\necho "wrote NOTES.md"\n');
    execFileSync('git', ['add', '.'], { cwd: h.repo.dir });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'coding CLI stand-in'], { cwd: h.repo.dir });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await anthropic?.close();
  });

  it('a bad deploy takes the service down → Diagnose proposes rolling back to the named commit → approve → healthy again', async () => {
    const before = head();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing write release notes'));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Task #1: deploy to billing?')), 60_000, 'the task approval');
    const approval = messages().find((m) => m.text.startsWith('Task #1: deploy to billing?'))!;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('✅ Task #1 on billing deployed')), 30_000, 'deployed');
    const deployed = head();
    expect(deployed).not.toBe(before);

    h.service.healthy = false; // the deploy "broke" it
    await h.telegram.waitFor(() => messages().some((m) => m.text === '🔴 billing is DOWN: HTTP 503'), 20_000, 'the down alert');
    const alert = messages().find((m) => m.text === '🔴 billing is DOWN: HTTP 503')!;
    expect(alert.buttons.map((b) => b.text)).toEqual(['🩺 Diagnose', '✔ Ack', '💤 Snooze 1h']);
    const answered = h.telegram.callsOf('answerCallbackQuery').length;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, alert.buttons[0]!.callback_data, alert));
    await h.until(() => h.telegram.callsOf('answerCallbackQuery').length > answered, 10_000, 'the tap answer');
    expect(h.telegram.callsOf('answerCallbackQuery')[answered]!.payload.text).toBe('🩺 Diagnosing billing…');

    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('🩺 Diagnosis: billing')), 15_000, 'the diagnosis');
    const diagnosis = messages().find((m) => m.text.startsWith('🩺 Diagnosis: billing'))!.text;
    expect(diagnosis).toMatch(new RegExp(`^🩺 Diagnosis: billing\\nHealth: HTTP 503 \\(down since \\d\\d:\\d\\d UTC\\)\\.\\nLast task deploy: #1 "write release notes" → ${deployed.slice(0, 7)}, \\d+(ms|s) before the failure\\.\\nRecent commits:\\n`));
    expect(diagnosis).toMatch(/\nLogs \(tail\):\n {2}GET \/health 503 handler crashed\n/);
    expect(diagnosis).toMatch(/\n\nProposal: roll back \(/);
    expect(diagnosis).toMatch(reason);

    const title = `Roll back billing to ${before.slice(0, 7)}?`;
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith(title)), 10_000, 'the rollback proposal');
    const rollback = messages().find((m) => m.text.startsWith(title))!;
    expect(rollback.text.split('\n')[1]).toMatch(new RegExp(`^Diagnose: ${reason.source}$`));
    expect(rollback.buttons.map((b) => b.text)).toEqual(['↩ Roll back', '✋ Keep']);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, rollback.buttons[0]!.callback_data, rollback));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith(`↩ billing rolled back to ${before.slice(0, 7)}`)), 15_000, 'rolled back');
    expect(head()).toBe(before);
    expect(h.repo.rollbacks).toHaveLength(1);

    h.service.healthy = true; // the rollback "fixed" it
    await h.telegram.waitFor(() => messages().some((m) => /^🟢 billing is back UP after/.test(m.text)), 20_000, 'back up');
    expect((await h.query(`SELECT status FROM tasks WHERE id = 1`))[0]!.status).toBe('rolled_back');
  });

  it('no recent deploy to undo: Diagnose proposes a fix task → 🛠 Open a fix task → the task deploys → remembered as the solution for that error', async () => {
    const down = () => messages().filter((m) => m.text === '🔴 billing is DOWN: HTTP 503');
    h.service.healthy = false;
    await h.telegram.waitFor(() => down().length === 2, 20_000, 'the second down alert');
    const alert = down()[1]!;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, alert.buttons[0]!.callback_data, alert));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Open a fix task for billing?')), 15_000, 'the fix-task proposal');
    const diagnosis = messages().findLast((m) => m.text.startsWith('🩺 Diagnosis: billing'))!.text;
    expect(diagnosis).toMatch(/\nNo task has deployed this service\.\n/);
    expect(diagnosis).toMatch(/\n\nProposal: open a fix task \(/);
    const proposal = messages().find((m) => m.text.startsWith('Open a fix task for billing?'))!;
    expect(proposal.text).toBe(`Open a fix task for billing?\n/task billing ${fix}\n\n⏳ Waiting for a founder to decide`);
    expect(proposal.buttons.map((b) => b.text)).toEqual(['🛠 Open a fix task', '✋ Not now']);
    expect(await h.query(`SELECT id FROM tasks WHERE id = 2`)).toEqual([]);

    h.telegram.pushUpdate(callbackUpdate(FOUNDER, proposal.buttons[0]!.callback_data, proposal));
    await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery' && c.payload.text === 'Opening the fix task…', 10_000, 'the tap answer');
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Task #2: deploy to billing?')), 60_000, 'the fix task approval');
    const approval = messages().find((m) => m.text.startsWith('Task #2: deploy to billing?'))!;
    expect(approval.text.split('\n')[1]).toBe(fix);
    h.service.healthy = true; // the fix "works"
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('✅ Task #2 on billing deployed')), 30_000, 'the fix deployed');
    expect(await h.query(`SELECT status, requested_by FROM tasks WHERE id = 2`)).toEqual([{ status: 'deployed', requested_by: `telegram:${FOUNDER.id}` }]);
    const solutions = await h.query<{ content: string; metadata: Record<string, unknown> }>(`SELECT content, metadata FROM ai_persistent_memory WHERE source = 'task:2' AND memory_type = 'solution'`);
    expect(solutions).toHaveLength(1);
    expect(solutions[0]!.content).toMatch(new RegExp(`^Fixed "HTTP 503" on billing with task #2 \\("${fix.replace(/[()]/g, '\\$&')}"\\): `));
    expect(solutions[0]!.metadata).toMatchObject({ fixes: 'HTTP 503' });
  });
});
