/**
 * A burst of 300 /status updates across 100 chats against a fake Bot API that enforces Telegram's
 * flood limits (about 30 messages/s overall, about 1/s per chat with short bursts; 429 retry_after
 * beyond). Physical floor: 300 replies ÷ 30/s = 10 s.
 */
import { TELEGRAM_LIMITS } from '../test/fakes/telegram-api.js';
import { FOUNDER, textUpdate } from '../test/fixtures/telegram-updates.js';
import { Harness } from '../test/helpers/harness.js';
import { round, type BenchResult } from './stats.js';

export async function burst(chats = 100, perChat = 3): Promise<BenchResult> {
  const founders = Array.from({ length: chats }, (_, i) => 40_000_000 + i);
  const h = await Harness.create({ founders, rateLimits: TELEGRAM_LIMITS });
  const total = chats * perChat;
  try {
    await h.start();
    const started = performance.now();
    for (let k = 0; k < perChat; k++) for (const id of founders) h.telegram.pushUpdate(textUpdate({ ...FOUNDER, id }, '/status'));
    await h.telegram.waitFor(() => h.telegram.callsOf('sendMessage').length >= total, 120_000, `${total} replies`);
    const lastReply = Math.max(...h.telegram.callsOf('sendMessage').map((c) => c.at));
    const drainS = (lastReply - started) / 1000;
    const perChatOk = founders.every((id) => h.telegram.messagesTo(id).length === perChat);
    const floor = total / TELEGRAM_LIMITS.globalPerSecond;
    return {
      name: `burst: ${total} /status across ${chats} chats, Telegram limits enforced`,
      rows: [
        { metric: 'replies accepted', value: `${h.telegram.callsOf('sendMessage').length}/${total}`, unit: '', met: perChatOk },
        { metric: '429 answers received', value: h.telegram.rateLimited429, unit: '' },
        { metric: 'time to last reply', value: round(drainS, 2), unit: 's', target: '≤ 12 s', met: drainS <= 12 },
        { metric: 'physical floor', value: floor, unit: 's' },
      ],
      details: { total, chats, accepted: h.telegram.callsOf('sendMessage').length, every_chat_answered: perChatOk, rate_limited_429: h.telegram.rateLimited429, drain_s: round(drainS, 2), floor_s: floor },
    };
  } finally {
    await h.close();
  }
}
