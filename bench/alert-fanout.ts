/**
 * Alert fan-out within Telegram's limits: N alerts raised at a steady pace to F founder chats,
 * against a fake Bot API that enforces the flood limits (about 30 messages/s overall, about 1/s per
 * chat, 429 retry_after beyond). Bursts are grouped (more than 3 alerts within 10 s → one message),
 * so the chats see few messages while every alert arrives once. Reports how long until every alert
 * reached every chat, alerts per second delivered, messages sent, and 429s (all retried).
 */
import { TELEGRAM_LIMITS } from '../test/fakes/telegram-api.js';
import { FOUNDER } from '../test/fixtures/telegram-updates.js';
import { Harness } from '../test/helpers/harness.js';
import { round, type BenchResult } from './stats.js';

export async function alertFanout(alerts = Number(process.env.ALERTS ?? 300), founders = Number(process.env.FOUNDERS ?? 10), ratePerSecond = Number(process.env.RATE ?? 50)): Promise<BenchResult> {
  const ids = Array.from({ length: founders }, (_, i) => (i === 0 ? FOUNDER.id : 41_000_000 + i));
  const h = await Harness.create({ founders: ids, rateLimits: TELEGRAM_LIMITS });
  try {
    await h.start();
    const core = h.app!.core;
    const started = performance.now();
    const raised: Promise<unknown>[] = [];
    for (let i = 0; i < alerts; i++) {
      raised.push(core.alerts.raise({ severity: 'warning', source: 'bench', message: `queue depth high on shard ${i}` }));
      if ((i + 1) % ratePerSecond === 0) await new Promise((r) => setTimeout(r, 1_000));
    }
    await Promise.all(raised);
    const lineCount = (id: number) => h.telegram.messagesTo(id).flatMap((m) => m.text.split('\n')).filter((l) => l.startsWith('🟠 queue depth high')).length;
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_system_alerts WHERE delivered_at IS NULL`)).length === 0 && ids.every((id) => lineCount(id) >= alerts), 300_000, 'every alert in every chat');
    const seconds = (performance.now() - started) / 1000;
    const messages = h.telegram.callsOf('sendMessage').length;
    const everyOnce = ids.every((id) => lineCount(id) === alerts);
    return {
      name: `alert fan-out: ${alerts} alerts at ${ratePerSecond}/s to ${founders} founder chats, Telegram limits enforced`,
      rows: [
        { metric: 'every alert in every chat, once', value: everyOnce ? 'yes' : 'no', unit: '', met: everyOnce },
        { metric: 'time to the last delivery', value: round(seconds, 1), unit: 's' },
        { metric: 'alerts delivered', value: round(alerts / seconds, 1), unit: 'alerts/s' },
        { metric: 'messages sent', value: messages, unit: '' },
        { metric: 'messages per chat', value: round(messages / founders, 1), unit: '' },
        { metric: '429 answers (retried)', value: h.telegram.rateLimited429, unit: '' },
      ],
    };
  } finally {
    await h.close();
  }
}
