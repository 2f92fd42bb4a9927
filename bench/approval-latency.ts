/**
 * Graph-job pickup: Approve tap → deploy command start, from the fake Bot API handing out the
 * callback_query update to the first line of the service's deploy script (it logs `date +%s%N`).
 * The tap enqueues a resume job on the graphs queue; a worker runs the graph from its checkpoint.
 * - `in-process`: `aurea start` in one process (the embedded shape; AUREA_TEST_BACKEND picks the database);
 * - `two workers`: the bot in this process and two `aurea worker` processes (needs AUREA_TEST_BACKEND=postgres).
 */
import { FOUNDER, callbackUpdate, textUpdate } from '../test/fixtures/telegram-updates.js';
import { BACKEND } from '../test/helpers/backend.js';
import { Harness } from '../test/helpers/harness.js';
import { AureaProcess } from '../test/helpers/process.js';
import { ROLES } from '../src/main.js';
import { percentile, round, type BenchResult } from './stats.js';

export async function approvalLatency(shape: 'in-process' | 'two workers' = 'in-process', runs = 10): Promise<BenchResult> {
  if (shape === 'two workers' && BACKEND !== 'postgres') throw new Error('the two-worker shape needs AUREA_TEST_BACKEND=postgres');
  const h = await Harness.create({ realChatLimit: true });
  const workers: AureaProcess[] = [];
  try {
    if (shape === 'in-process') await h.start();
    else {
      await h.start(ROLES.bot);
      workers.push(AureaProcess.start('worker', h.processEnv()), AureaProcess.start('worker', h.processEnv()));
      await Promise.all(workers.map((w) => w.waitForOutput(/aurea: started/)));
    }
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = h.telegram.messagesTo(FOUNDER.id).length;
      h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => m.buttons.length), 30_000, 'approval');
      const approval = h.telegram.messagesTo(FOUNDER.id).slice(before).find((m) => m.buttons.length)!;
      // A person taps seconds later: by then the run has paused and Telegram's ~1 message/s per chat
      // has let the earlier replies out (replies in one chat are sent in order, a tap's handling behind them).
      await new Promise((r) => setTimeout(r, 3_000));
      const deploysBefore = h.repo.deploys.length;
      const updateId = h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
      await h.until(() => h.repo.deploys.length > deploysBefore, 30_000, 'deploy script');
      const deployStartNs = BigInt(h.repo.deploys.at(-1)!.split(' ')[1]!);
      // Wall-clock time of the hand-out (performance.timeOrigin drifts from the wall clock in long runs).
      const handedOutEpochMs = Date.now() - (performance.now() - h.telegram.handedOut.get(updateId)!);
      latencies.push(Number(deployStartNs / 1000n) / 1000 - handedOutEpochMs);
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => /deployed/.test(m.text)), 30_000, 'deployed');
    }
    return {
      name: `approve tap → deploy command start, ${shape} (${BACKEND}, ${runs} deploys)`,
      rows: [
        { metric: 'p50', value: round(percentile(latencies, 50)), unit: 'ms' },
        { metric: 'p95', value: round(percentile(latencies, 95)), unit: 'ms' },
        { metric: 'max', value: round(Math.max(...latencies)), unit: 'ms' },
      ],
      details: { shape, backend: BACKEND, runs, latencies_ms: latencies.map((v) => round(v)) },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await h.close();
  }
}
