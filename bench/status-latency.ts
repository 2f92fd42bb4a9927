/**
 * /status latency under load: 20 founder chats each send /status once a second, spread over the
 * second (`spread`) or all in the same instant (`together`).
 * Latency = the fake Bot API handing the update out in getUpdates → the fake receiving the reply.
 * The backend is AUREA_TEST_BACKEND's (embedded PGlite by default; `postgres` for a real server).
 */
import { FOUNDER, textUpdate } from '../test/fixtures/telegram-updates.js';
import { BACKEND } from '../test/helpers/backend.js';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, sleep, type BenchResult } from './stats.js';

export async function statusLatency(mode: 'spread' | 'together' = 'spread', chats = 20, seconds = 15): Promise<BenchResult> {
  const founders = Array.from({ length: chats }, (_, i) => 30_000_000 + i);
  const h = await Harness.create({ founders, realChatLimit: true });
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
        const offset = mode === 'spread' ? (1_000 / chats) * i : 0; // spread the chats over each second, or not
        for (let t = 0; t < seconds; t++) {
          const due = started + offset + t * 1_000;
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
      name: `/status latency (${BACKEND}), ${chats} chats × 1 update/s for ${seconds}s, ${mode === 'spread' ? 'spread over each second' : 'all in the same instant'}`,
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
