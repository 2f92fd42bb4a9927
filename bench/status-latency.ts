/**
 * /status latency under steady load: 20 founder chats each send /status once a second.
 * Latency = the fake Bot API handing the update out in getUpdates → the fake receiving the reply.
 */
import { FOUNDER, textUpdate } from '../test/fixtures/telegram-updates.js';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, sleep, type BenchResult } from './stats.js';

export async function statusLatency(chats = 20, seconds = 15): Promise<BenchResult> {
  const founders = Array.from({ length: chats }, (_, i) => 30_000_000 + i);
  const h = await Harness.create({ founders });
  try {
    await h.start();
    // Warm-up: one round, not measured.
    for (const id of founders) h.telegram.pushUpdate(textUpdate({ ...FOUNDER, id }, '/status'));
    await h.telegram.waitFor(() => founders.every((id) => h.telegram.messagesTo(id).length >= 1), 30_000, 'warm-up replies');
    await sleep(1_500);

    const sent: Array<{ chat: number; updateId: number }> = [];
    const started = performance.now();
    const timers = founders.map((id, i) =>
      (async () => {
        await sleep((1_000 / chats) * i); // spread the chats over each second
        for (let t = 0; t < seconds; t++) {
          const due = started + (1_000 / chats) * i + t * 1_000;
          await sleep(Math.max(0, due - performance.now()));
          sent.push({ chat: id, updateId: h.telegram.pushUpdate(textUpdate({ ...FOUNDER, id }, '/status')) });
        }
      })(),
    );
    await Promise.all(timers);
    await h.telegram.waitFor(() => founders.every((id) => h.telegram.messagesTo(id).length >= seconds + 1), 30_000, 'all replies');

    const latencies: number[] = [];
    for (const id of founders) {
      const replies = h.telegram.callsOf('sendMessage', id).slice(1).map((c) => c.at);
      const updates = sent.filter((s) => s.chat === id).map((s) => h.telegram.handedOut.get(s.updateId)!);
      updates.forEach((handedOut, k) => latencies.push(replies[k]! - handedOut));
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return {
      name: `/status latency, ${chats} chats × 1 update/s for ${seconds}s`,
      rows: [
        { metric: 'updates answered', value: `${latencies.length}/${chats * seconds}`, unit: '' },
        { metric: 'p50', value: round(p50), unit: 'ms' },
        { metric: 'p99', value: round(p99), unit: 'ms', target: '< 50 ms', met: p99 < 50 },
        { metric: 'max', value: round(Math.max(...latencies)), unit: 'ms' },
      ],
      details: { chats, seconds, samples: latencies.length, p50Ms: round(p50), p99Ms: round(p99), maxMs: round(Math.max(...latencies)) },
    };
  } finally {
    await h.close();
  }
}
