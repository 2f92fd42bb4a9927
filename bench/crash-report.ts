/**
 * How soon a founder hears about a deploy interrupted by a crash: AUREA (`aurea start`, a real
 * process, the default `jobs.lockDuration` and `jobs.stalledInterval`) is killed with SIGKILL while
 * the deploy command runs, then started again; the time from that restart to the founder's
 * "The deploy of billing was interrupted" message (stalled-job recovery, then the recover step).
 * Target: within 15 s of the restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FOUNDER, callbackUpdate, textUpdate } from '../test/fixtures/telegram-updates.js';
import { BACKEND } from '../test/helpers/backend.js';
import { readLines } from '../test/helpers/files.js';
import { Harness } from '../test/helpers/harness.js';
import { AureaProcess } from '../test/helpers/process.js';
import { percentile, round, type BenchResult } from './stats.js';

async function once(): Promise<number> {
  const h = await Harness.create({ realChatLimit: true });
  let second: AureaProcess | undefined;
  try {
    writeFileSync(join(h.repo.dir, 'deploy.sh'), 'echo "start" >> deploy-starts.log\nsleep 30\necho deployed\n');
    const first = AureaProcess.start('start', h.processEnv());
    await first.waitForOutput(/aurea: started/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => /^Deploy billing\?/.test(m.text)), 60_000, 'the approval');
    const request = h.telegram.messagesTo(FOUNDER.id).find((m) => /^Deploy billing\?/.test(m.text))!;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, request.buttons[0]!.callback_data, request));
    await h.until(() => readLines(join(h.repo.dir, 'deploy-starts.log')).length === 1, 30_000, 'the deploy command to start');
    await first.kill9();
    const restarted = Date.now();
    second = AureaProcess.start('start', h.processEnv());
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => /^The deploy of billing was interrupted/.test(m.text)), 120_000, 'the notice');
    return Date.now() - restarted;
  } finally {
    await second?.stop();
    await h.close();
  }
}

export async function crashReport(runs = Number(process.env.RUNS ?? 5)): Promise<BenchResult> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  const max = Math.max(...times);
  return {
    name: `crash mid-deploy → founder told, from the restart (${BACKEND}, default jobs settings, ${runs} runs)`,
    rows: [
      { metric: 'p50', value: round(percentile(times, 50) / 1000, 2), unit: 's' },
      { metric: 'max', value: round(max / 1000, 2), unit: 's', target: '≤ 15 s', met: max <= 15_000 },
    ],
    details: { runs, msFromRestart: times },
  };
}
