/**
 * A founder's /status latency while 50 strangers send 1,000 messages in 10 s, against the same
 * founder's latency with no flood. Latency = getUpdates hand-out → the reply at the fake Bot API.
 */
import { FOUNDER, textUpdate, type Person } from '../test/fixtures/telegram-updates.js';
import { BACKEND } from '../test/helpers/backend.js';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, sleep, type BenchResult } from './stats.js';

const STRANGERS: Person[] = Array.from({ length: 50 }, (_, i) => ({ id: 6_000_000 + i, first_name: `Spam${i}` }));

export async function flood(samples = 10): Promise<BenchResult> {
  const h = await Harness.create({ realChatLimit: true });
  try {
    await h.start();
    const ask = async (): Promise<number> => {
      const n = h.telegram.messagesTo(FOUNDER.id).length;
      const updateId = h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
      await h.telegram.nthMessage(FOUNDER.id, n + 1, 30_000);
      return h.telegram.callsOf('sendMessage', FOUNDER.id)[n]!.at - h.telegram.handedOut.get(updateId)!;
    };
    await ask(); // warm-up
    const quiet: number[] = [];
    for (let i = 0; i < samples; i++) {
      quiet.push(await ask());
      await sleep(1_000 - quiet.at(-1)!);
    }
    const flooded: number[] = [];
    let sent = 0;
    const started = performance.now();
    const spam = (async () => {
      while (sent < 1_000) {
        for (let i = 0; i < 10; i++, sent++) h.telegram.pushUpdate(textUpdate(STRANGERS[sent % 50]!, `buy now ${sent}`));
        await sleep(Math.max(0, started + (sent / 100) * 1_000 - performance.now()));
      }
    })();
    for (let i = 0; i < samples; i++) {
      flooded.push(await ask());
      await sleep(Math.max(0, 1_000 - flooded.at(-1)!));
    }
    await spam;
    const row = (name: string, v: number[]) => [
      { metric: `${name}: p50`, value: round(percentile(v, 50)), unit: 'ms' },
      { metric: `${name}: max`, value: round(Math.max(...v)), unit: 'ms' },
    ];
    return {
      name: `founder /status during a flood of 1,000 stranger messages in 10 s (${BACKEND})`,
      rows: [...row('no flood', quiet), ...row('during the flood', flooded)],
      details: { backend: BACKEND, quiet_ms: quiet.map((v) => round(v)), flooded_ms: flooded.map((v) => round(v)) },
    };
  } finally {
    await h.close();
  }
}
