/**
 * Approve-tap → deploy-command-start: from the fake Bot API handing out the callback_query update to
 * the first line of the service's deploy script (it logs `date +%s%N`).
 */
import { FOUNDER, callbackUpdate, textUpdate } from '../test/fixtures/telegram-updates.js';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

export async function approvalLatency(runs = 8): Promise<BenchResult> {
  const h = await Harness.create();
  try {
    await h.start();
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = h.telegram.messagesTo(FOUNDER.id).length;
      h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => m.buttons.length), 30_000, 'approval');
      const approval = h.telegram.messagesTo(FOUNDER.id).slice(before).find((m) => m.buttons.length)!;
      const deploysBefore = h.repo.deploys.length;
      const updateId = h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
      await h.until(() => h.repo.deploys.length > deploysBefore, 30_000, 'deploy script');
      const deployStartNs = BigInt(h.repo.deploys.at(-1)!.split(' ')[1]!);
      const handedOutEpochMs = performance.timeOrigin + h.telegram.handedOut.get(updateId)!;
      latencies.push(Number(deployStartNs / 1000n) / 1000 - handedOutEpochMs);
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => /deployed/.test(m.text)), 30_000, 'deployed');
    }
    return {
      name: `approve tap → deploy command start (${runs} deploys)`,
      rows: [
        { metric: 'p50', value: round(percentile(latencies, 50)), unit: 'ms' },
        { metric: 'max', value: round(Math.max(...latencies)), unit: 'ms' },
      ],
      details: { runs, latencies_ms: latencies.map((v) => round(v)) },
    };
  } finally {
    await h.close();
  }
}
