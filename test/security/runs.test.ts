/**
 * What is approved happens, or the founders hear why; and one change to a service at a time.
 * - The database is thrown away beside the same Redis (`rm -rf data`, a new Postgres database): an
 *   approved deploy and a task run again (their jobs' ids carry UUIDs, never a sequence number that
 *   restarts at 1 while BullMQ still remembers the old job under that id).
 * - A graph job that fails for good tells the founders what did not happen, with a 🔁 Retry that works.
 * - A rollback is a graph run on a worker (queued job, journalled step), under the service's lease.
 * - /deploy while a task deploys the same service waits, names the task, and deploys after it.
 */
import { execFileSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { GRAPHS_QUEUE } from '../../jobs/definitions.js';
import { runDoctor } from '../../src/cli/doctor.js';
import { FakeAnthropicApi } from '../fakes/anthropic-api.js';
import type { Step } from '../fakes/llm-script.js';
import { FOUNDER, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { closedAfterEach, shown, tap } from '../helpers/chat.js';
import { Harness, REDIS_URL } from '../helpers/harness.js';

/** A scripted model for "add a <NAME> file": the plan, one write, finish. */
function fileModel(body: any): Step | undefined {
  const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
  if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'Add a file', steps: ['Write it'], files: ['NOTES'], risk: 'low', tests: 'sh test.sh' } };
  if (!tools.includes('finish')) return undefined;
  const name = /^Task: add an? ([A-Z]+) file/.exec(body.messages[0].content)?.[1] ?? 'NOTES';
  return body.messages.length === 1 ? { kind: 'tool', name: 'write_file', input: { path: name, content: `${name}\n` } } : { kind: 'tool', name: 'finish', input: { summary: `added ${name}` } };
}

const modelEnv = (anthropic: FakeAnthropicApi) => ({ ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' });
const withModel = 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n';

/** /deploy billing, Approve, and the deployed message (the `nth` of this harness). */
async function deployOnce(h: Harness, nth: number): Promise<void> {
  h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
  tap(h, await shown(h, /^Deploy billing\?/, { nth }), /Approve/);
  await shown(h, /^✅ billing deployed/, { nth });
}

/** /task billing add a <NAME> file, Approve, deployed (its request is the `nth` task approval this harness shows). */
async function taskOnce(h: Harness, name: string, nth: number): Promise<void> {
  h.telegram.pushUpdate(textUpdate(FOUNDER, `/task billing add a ${name} file`));
  tap(h, await shown(h, /^Task #1: deploy to billing\?/, { nth, timeoutMs: 60_000 }), /Approve/);
  await shown(h, /^✅ Task #1 on billing deployed and verified/, { nth, timeoutMs: 60_000 });
}

describe(`security: runs that cannot vanish (${BACKEND})`, () => {
  const track = closedAfterEach();
  let h: Harness;

  it('after the database is thrown away beside the same Redis, an approved deploy and a task run again', async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = fileModel;
    h = track(await Harness.create({ yaml: withModel, env: modelEnv(anthropic) }));
    await h.start();
    await deployOnce(h, 1);
    await taskOnce(h, 'ALPHA', 1);
    expect(h.repo.deploys).toHaveLength(2);

    await h.replaceDatabase();
    await h.start();
    expect(await h.query(`SELECT count(*)::int AS n FROM approvals`)).toEqual([{ n: 0 }]);
    await deployOnce(h, 2); // the approval of the first deploy of this database, its resume job new to Redis
    await taskOnce(h, 'BETA', 2); // task #1 again, on its own thread and jobs
    expect(h.repo.deploys).toHaveLength(4);
    expect(await h.query(`SELECT id, status FROM tasks`)).toEqual([{ id: '1', status: 'deployed' }]);
  }, 180_000);

  it('a graph job that fails for good: the founders are told what did not happen, with a 🔁 Retry that runs it', async () => {
    h = track(await Harness.create());
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const request = await shown(h, /^Deploy billing\?/);
    // The step journal's table is gone: every attempt of the resumed run fails at the deploy step.
    await h.query('ALTER TABLE graph_steps RENAME TO graph_steps_away');
    tap(h, request, /Approve/);
    const failed = await shown(h, /^⚠️ /);
    expect(failed.text).toMatch(/^⚠️ “Deploy billing\?”, which Ada Founder approved at \d\d:\d\d UTC, could not go on: relation "graph_steps" does not exist\. Nothing more was done; 🔁 Retry runs it again from where it stopped\.$/);
    expect(failed.buttons.map((b) => b.text)).toEqual(['🔁 Retry']);
    expect(h.repo.deploys).toEqual([]);
    expect(await h.query(`SELECT * FROM service_leases`)).toEqual([]); // given back: nothing else waits behind it
    const doctor: string[] = [];
    await runDoctor(h.config, (line) => doctor.push(line));
    expect(doctor.join('\n')).toMatch(/! graph runs +1 failed for good \(the founders were told, with a 🔁 Retry button\):\n +→ fix: tap 🔁 Retry on the message, or start the deploy or task again\n +\d{4}-\d\d-\d\d \d\d:\d\d deploy deploy:billing:[0-9a-f-]{36} \(job resume\.[0-9a-f-]{36}\): relation "graph_steps" does not exist/);

    await h.query('ALTER TABLE graph_steps_away RENAME TO graph_steps');
    tap(h, failed, /Retry/);
    await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery' && c.payload.text === 'Retrying…', 10_000, 'the retry answered');
    const done = await shown(h, /^✅ billing deployed/);
    expect(done.text).toMatch(/healthy \(HTTP 200\)/);
    expect(h.repo.deploys).toHaveLength(1);
    // Once the retried job has completed, its Retry button has nothing left to do.
    const id = (await h.query<{ id: string }>(`SELECT id FROM approvals`))[0]!.id;
    const redis = new Redis(REDIS_URL);
    const queue = new Queue(GRAPHS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      await h.until(async () => (await (await queue.getJob(`resume.${id}`))?.getState()) === 'completed', 10_000, 'the retried job completed');
    } finally {
      await queue.close();
      redis.disconnect();
    }
    const answered = h.telegram.callsOf('answerCallbackQuery').length;
    tap(h, failed, /Retry/);
    await h.until(() => h.telegram.callsOf('answerCallbackQuery').length > answered, 10_000, 'the second retry answered');
    expect(h.telegram.callsOf('answerCallbackQuery').at(-1)!.payload.text).toBe('That run has completed already.');
    expect(h.repo.deploys).toHaveLength(1);
  });

  it('/rollback is a graph run on a worker: queued, approved, journalled, under the lease', async () => {
    h = track(await Harness.create());
    const repo = h.repo.dir;
    const previous = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'task #1'], { cwd: repo });
    const deployed = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    await h.start();
    await h.query(`INSERT INTO tasks (service, request, requested_by, status, deployed_commit, previous_commit, finished_at) VALUES ('billing', 'add a VERSION file', 'telegram:1', 'deployed', $1, $2, now())`, [deployed, previous]);

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/rollback billing'));
    const request = await shown(h, /^Roll back billing to /);
    tap(h, request, /Roll back/);
    await shown(h, /^↩ billing rolled back to [0-9a-f]{7} \(rollback passed in [\d.]+s\)\.$/);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim()).toBe(previous);
    expect(h.repo.rollbacks).toHaveLength(1);
    expect(await h.query(`SELECT thread_id, step, finished_at IS NOT NULL AS finished FROM graph_steps`)).toEqual([
      { thread_id: expect.stringMatching(/^rollback:billing:[0-9a-f-]{36}$/), step: 'rollback', finished: true },
    ]);
    const redis = new Redis(REDIS_URL);
    const queue = new Queue(GRAPHS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      const completed = () => queue.getJobs(['completed']).then((jobs) => jobs.map((j) => j.name).sort());
      await h.until(async () => (await completed()).length === 2, 10_000, 'both jobs completed');
      expect(await completed()).toEqual(['rollback.resume', 'rollback.start']);
    } finally {
      await queue.close();
      redis.disconnect();
    }
    expect(await h.query(`SELECT status FROM tasks`)).toEqual([{ status: 'rolled_back' }]);
    expect(await h.query(`SELECT * FROM service_leases`)).toEqual([]);
  });

  it('/deploy while a task deploys the same service: it waits off the worker, names the task, and deploys after it', async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = fileModel;
    h = track(await Harness.create({ yaml: withModel, env: modelEnv(anthropic) }));
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a GAMMA file'));
    const task = await shown(h, /^Task #1: deploy to billing\?/, { nth: 1, timeoutMs: 60_000 });
    h.repo.holdDeploys(true);
    tap(h, task, /Approve/);
    await h.until(() => h.query(`SELECT 1 FROM service_leases WHERE what = 'task #1'`).then((r) => r.length), 20_000, 'the task holding billing');

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const started = await shown(h, /^🚀 Deploy of billing started/);
    expect(started.text).toBe("🚀 Deploy of billing started: running its tests first. I'll ask for your approval when they pass. task #1 is changing billing right now; once approved, this deploy waits for it.");
    tap(h, await shown(h, /^Deploy billing\?/), /Approve/);
    const waits = await shown(h, /^⏳ The deploy of billing waits/);
    expect(waits.text).toMatch(/^⏳ The deploy of billing waits: task #1 is changing billing \(since \d\d:\d\d UTC\)\. It goes on as soon as that ends; one change to a service at a time\.$/);
    expect(h.repo.deploys).toEqual([]); // the task is inside its deploy command; the deploy has not begun one

    h.repo.holdDeploys(false);
    await shown(h, /^✅ Task #1 on billing deployed and verified/, { nth: 1, timeoutMs: 30_000 });
    await shown(h, /^✅ billing deployed/, { nth: 1, timeoutMs: 30_000 });
    expect(h.repo.deploys).toHaveLength(2);
    const audit = await h.query<{ action: string }>(`SELECT action FROM audit_log WHERE action IN ('task.deploy.started', 'task.deployed', 'deploy.started', 'deploy.deployed') ORDER BY id`);
    expect(audit.map((r) => r.action)).toEqual(['task.deploy.started', 'task.deployed', 'deploy.started', 'deploy.deployed']);
    expect(await h.query(`SELECT * FROM service_leases`)).toEqual([]);
  }, 120_000);
});
