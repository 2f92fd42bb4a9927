/**
 * Tasks in flight at once on two workers: the bot in this process and two `aurea worker`
 * processes (Postgres backend), a scripted model (the fake Anthropic API: a plan, one write_file,
 * finish), N tasks started together on one service, each approved as soon as it asks. Reports the
 * throughput and the wall time per task (from /task to "deployed"). One task deploys a service at a
 * time, so deploys queue behind each other by design; planning, coding and testing run in parallel.
 */
import { FakeAnthropicApi } from '../test/fakes/anthropic-api.js';
import { FOUNDER, callbackUpdate, textUpdate } from '../test/fixtures/telegram-updates.js';
import { BACKEND } from '../test/helpers/backend.js';
import { Harness } from '../test/helpers/harness.js';
import { AureaProcess } from '../test/helpers/process.js';
import { ROLES } from '../src/main.js';
import { percentile, round, type BenchResult } from './stats.js';

const PLAN = { summary: 'add the file', steps: ['write it'], files: [], risk: 'low', tests: 'sh test.sh' };

export async function taskThroughput(tasks = Number(process.env.TASKS ?? 6)): Promise<BenchResult> {
  if (BACKEND !== 'postgres') throw new Error('task-throughput runs on two worker processes: it needs AUREA_TEST_BACKEND=postgres');
  const anthropic = await FakeAnthropicApi.start();
  anthropic.respond = (body) => {
    const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
    if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: PLAN };
    if (!tools.includes('finish')) return undefined;
    const first = typeof body.messages[0].content === 'string' ? body.messages[0].content : '';
    const file = /^Task: add file (F\d+)/.exec(first)?.[1] ?? 'F0';
    return body.messages.length === 1 ? { kind: 'tool', name: 'write_file', input: { path: file, content: `${file}\n` } } : { kind: 'tool', name: 'finish', input: { summary: `added ${file}` } };
  };
  const h = await Harness.create({
    yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n',
    env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
    realChatLimit: true,
  });
  const workers: AureaProcess[] = [];
  try {
    await h.start(ROLES.bot);
    workers.push(AureaProcess.start('worker', h.processEnv()), AureaProcess.start('worker', h.processEnv()));
    await Promise.all(workers.map((w) => w.waitForOutput(/aurea: started/)));
    const messages = () => h.telegram.messagesTo(FOUNDER.id);
    const started = performance.now();
    const startedAt = new Map<number, number>();
    for (let i = 1; i <= tasks; i++) {
      startedAt.set(i, performance.now());
      h.telegram.pushUpdate(textUpdate(FOUNDER, `/task billing add file F${i}`));
    }
    const approved = new Set<number>();
    const wall = new Map<number, number>();
    const deadline = Date.now() + Number(process.env.TASK_DEADLINE_MS ?? 10 * 60_000);
    while (wall.size < tasks) {
      if (Date.now() > deadline) throw new Error(`only ${wall.size}/${tasks} tasks deployed within 10 minutes; last messages: ${messages().slice(-3).map((m) => m.text).join(' | ')}`);
      for (const m of messages()) {
        const asked = /^Task #(\d+): deploy to billing\?/.exec(m.text);
        if (asked && !approved.has(Number(asked[1]))) {
          approved.add(Number(asked[1]));
          h.telegram.pushUpdate(callbackUpdate(FOUNDER, m.buttons[0]!.callback_data, m));
        }
        const done = /^✅ Task #(\d+) on billing deployed/.exec(m.text);
        if (done && !wall.has(Number(done[1]))) wall.set(Number(done[1]), performance.now() - startedAt.get(Number(done[1]))!);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const totalS = (performance.now() - started) / 1000;
    const times = [...wall.values()];
    return {
      name: `tasks in flight at once, bot + two workers (${BACKEND}, ${tasks} tasks, scripted model)`,
      rows: [
        { metric: 'throughput', value: round((tasks / totalS) * 60, 1), unit: 'tasks/min' },
        { metric: 'task wall time p50', value: round(percentile(times, 50) / 1000, 1), unit: 's' },
        { metric: 'task wall time p95', value: round(percentile(times, 95) / 1000, 1), unit: 's' },
        { metric: 'all done after', value: round(totalS, 1), unit: 's' },
      ],
      details: { wall_s: times.map((t) => round(t / 1000, 1)) },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await h.close();
    await anthropic.close();
  }
}
