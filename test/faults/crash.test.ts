/**
 * Faults: AUREA killed with SIGKILL in the middle of a graph run. The run is a BullMQ job executed
 * from its Postgres checkpoint; the deploy step is journalled (graph_steps), so no deploy runs twice
 * without a founder's new decision. And a worker killed in the middle of a scheduled agent's run:
 * the stalled job runs again on the next worker and its execution row completes once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/main.js';
import { FOUNDER, callbackUpdate, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';
import { AureaProcess } from '../helpers/process.js';
import { readLines } from '../helpers/files.js';

/** Crashed jobs noticed faster than the defaults (6 s + 3 s), for the cases that are not about the defaults. */
const FAST_STALLS = 'jobs:\n  lockDuration: 2s\n  stalledInterval: 1s\n';

type Shown = { message_id: number; text: string; buttons: Array<{ text: string; callback_data: string }> };

function tap(h: Harness, message: Shown, label: RegExp): void {
  const button = message.buttons.find((b) => label.test(b.text))!;
  h.telegram.pushUpdate(callbackUpdate(FOUNDER, button.callback_data, message));
}

/** Waits for a founder message matching `pattern` and returns it as shown. */
async function shown(h: Harness, pattern: RegExp, timeoutMs = 60_000): Promise<Shown> {
  await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => pattern.test(m.text)), timeoutMs, `message ${pattern}`);
  return h.telegram.messagesTo(FOUNDER.id).find((m) => pattern.test(m.text))!;
}

/** Makes one of the service's scripts slow, logging each start to `<name>-starts.log`. */
function slowScript(h: Harness, name: 'test' | 'deploy', seconds: number): void {
  const done = name === 'deploy' ? 'echo "deploy $(date +%s%N)" >> deploys.log\necho deployed\n' : 'echo "12 tests passed"\n';
  writeFileSync(join(h.repo.dir, `${name}.sh`), `echo "start $(date +%s%N)" >> ${name}-starts.log\nsleep ${seconds}\n${done}`);
}

describe(`fault: AUREA killed mid-run (${BACKEND})`, { timeout: 120_000 }, () => {
  let h: Harness;
  const procs: AureaProcess[] = [];
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const p of procs) console.log(p.output.slice(-4000));
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    await h?.close();
  });

  it('kill -9 while the deploy command runs → after restart, with the default settings, the founder is told, health is checked, nothing deploys twice', async () => {
    // The default lock and stalled-check settings: how soon this is told is measured by `npm run bench -- crash-report`.
    h = await Harness.create();
    slowScript(h, 'deploy', 3);
    const first = AureaProcess.start('start', h.processEnv());
    procs.push(first);
    await first.waitForOutput(/aurea: started/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    tap(h, await shown(h, /^Deploy billing\?/), /Approve/);
    await h.until(() => readLines(join(h.repo.dir, 'deploy-starts.log')).length === 1, 30_000, 'the deploy command to start');
    await first.kill9();
    procs.splice(procs.indexOf(first), 1);

    const second = AureaProcess.start('start', h.processEnv());
    procs.push(second);
    const notice = await shown(h, /^The deploy of billing was interrupted/);
    expect(notice.text).toMatch(
      /^The deploy of billing was interrupted\nThe deploy of billing was interrupted at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(AUREA stopped while it ran\); it is healthy now \(HTTP 200\)\. I did not run it again\. Roll it back, or keep what is there\?\n\n⏳ Waiting for a founder to decide$/,
    );
    expect(notice.buttons.map((b) => b.text)).toEqual(['↩ Roll back', '✋ Keep']);
    tap(h, notice, /Keep/);
    const kept = await shown(h, /kept as it is/);
    expect(kept.text).toBe("✋ billing kept as it is after the interrupted deploy (Ada Founder's choice; it is healthy now (HTTP 200)).");
    await h.until(() => h.repo.deploys.length === 1, 10_000, 'the orphaned deploy command to finish');
    expect(readLines(join(h.repo.dir, 'deploy-starts.log'))).toHaveLength(1);
    expect(h.repo.rollbacks).toEqual([]);

    await second.stop();
    procs.splice(0);
    await h.start();
    expect(await h.query(`SELECT step, status FROM approvals ORDER BY created_at`)).toEqual([
      { step: 'approval', status: 'approved' },
      { step: 'recover', status: 'rejected' },
    ]);
    expect(await h.query(`SELECT step, finished_at IS NOT NULL AS finished FROM graph_steps`)).toEqual([{ step: 'deploy', finished: false }]);
    const actions = (await h.query<{ action: string }>(`SELECT action FROM audit_log ORDER BY id`)).map((r) => r.action);
    expect(actions.filter((a) => a === 'deploy.started')).toHaveLength(1);
    expect(actions).toContain('deploy.kept_after_interruption');
  });

  // Two worker processes need a shared Postgres: the embedded database is one process.
  if (BACKEND === 'postgres') {
    it('kill -9 of one of two workers while it runs a graph job → the other finishes it from its checkpoint; the deploy ran once', async () => {
      h = await Harness.create({ yaml: FAST_STALLS });
      slowScript(h, 'test', 3);
      await h.start(ROLES.bot);
      const workers = [AureaProcess.start('worker', h.processEnv()), AureaProcess.start('worker', h.processEnv())];
      procs.push(...workers);
      await Promise.all(workers.map((w) => w.waitForOutput(/aurea: started/, 30_000)));

      h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
      await h.until(() => readLines(join(h.repo.dir, 'test-starts.log')).length === 1, 30_000, 'the tests to start');
      const running = workers.find((w) => /graph job started/.test(w.output))!;
      const other = workers.find((w) => w !== running)!;
      expect(running).toBeDefined();
      await running.kill9();
      procs.splice(procs.indexOf(running), 1);

      // The other worker takes the stalled job and runs the tests again from the checkpoint before them.
      const approval = await shown(h, /^Deploy billing\?/);
      expect(other.output).toMatch(/graph job started/);
      expect(approval.text).toMatch(/Tests: passed/);
      tap(h, approval, /Approve/);
      const done = await shown(h, /billing deployed/);
      expect(done.text).toMatch(/^✅ billing deployed \(deploy passed in [\d.]+s\), healthy \(HTTP 200\)\.$/);
      expect(h.repo.deploys).toHaveLength(1);
      expect(readLines(join(h.repo.dir, 'test-starts.log'))).toHaveLength(2);
      expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /^Deploy billing\?/.test(m.text))).toHaveLength(1);
      expect(await h.query(`SELECT step, finished_at IS NOT NULL AS finished FROM graph_steps`)).toEqual([{ step: 'deploy', finished: true }]);
    });

    it('kill -9 of the worker in the middle of an agent run → after restart the run completes once (stalled-job recovery), one execution row', async () => {
      // A second service whose health answers after 4 s: the monitor run is slow enough to be killed.
      h = await Harness.create({ yaml: FAST_STALLS, extraServicesYaml: (svc) => `slow:\n  repo: ./billing\n  test: "true"\n  deploy: "true"\n  health: ${svc.slowHealthUrl}\n  healthTimeout: 20s` });
      h.service.slowMs = 4_000;
      await h.start(ROLES.bot);
      const first = AureaProcess.start('worker', h.processEnv());
      procs.push(first);
      // A new job scheduler runs its first job at once: the monitor is now waiting on /slow-health.
      await h.until(() => h.service.slowHits === 1, 30_000, 'the monitor run to start');
      await first.kill9();
      procs.splice(procs.indexOf(first), 1);
      const [running] = await h.query<{ job_id: string; status: string }>(`SELECT job_id, status FROM ai_agent_executions WHERE agent_name = 'system-monitor'`);
      expect(running).toMatchObject({ status: 'running', job_id: expect.stringMatching(/^repeat:system-monitor:\d+$/) });

      const second = AureaProcess.start('worker', h.processEnv());
      procs.push(second);
      await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions WHERE status = 'succeeded'`)).length === 1, 60_000, 'the run to complete');
      const runs = await h.query(`SELECT job_id, status, attempts, output->>'summary' AS summary FROM ai_agent_executions WHERE agent_name = 'system-monitor'`);
      expect(runs).toEqual([{ job_id: running!.job_id, status: 'succeeded', attempts: 2, summary: '2/2 up' }]);
      expect(h.service.slowHits).toBe(2);
    });
  }
});
