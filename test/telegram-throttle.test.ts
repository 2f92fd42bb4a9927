/**
 * One Telegram rate limiter for all processes of a bot: two throttles (as the bot and a worker
 * process would each build) over the same Redis stay within Telegram's ~30 messages/s together.
 */
import { randomUUID } from 'node:crypto';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { configureApi, clientOptions } from '../bots/telegram/api.js';
import { createTelegramThrottle, type TelegramThrottle } from '../bots/telegram/throttle.js';
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { telegramSettings } from '../bots/telegram/settings.js';
import { createLogger } from '../src/log.js';
import { FakeTelegramApi, TELEGRAM_LIMITS } from './fakes/telegram-api.js';
import { REDIS_URL } from './helpers/harness.js';

describe('Telegram rate limits shared by every process (Bottleneck clustered through Redis)', () => {
  let telegram: FakeTelegramApi;
  const throttles: TelegramThrottle[] = [];
  const prefix = `aurea-test-${randomUUID()}`;
  afterEach(async () => {
    await Promise.all(throttles.splice(0).map((t) => t.close()));
    await telegram?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('two processes sending 45 messages each to 90 chats at once: no 429 from Telegram, all delivered', async () => {
    telegram = await FakeTelegramApi.start({ rateLimits: TELEGRAM_LIMITS });
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REDIS_URL, AUREA_REDIS_PREFIX: prefix, AUREA_DATA_DIR: '/tmp' }, CHANNELS);
    const apis = [0, 1].map(() => {
      const throttle = createTelegramThrottle(config, createLogger('silent', []));
      throttles.push(throttle);
      return configureApi(new Api(telegramSettings.of(config).token!, clientOptions(config)), throttle);
    });
    // The limiters exist a while before the first burst (as in a running bot): a budget refilled on a
    // clock that started at creation would let the next burst through too early.
    await new Promise((r) => setTimeout(r, 400));
    await Promise.all(apis.map((api, p) => Promise.all(Array.from({ length: 45 }, (_, i) => api.sendMessage(9_000_000 + p * 100 + i, `message ${i} from process ${p}`)))));
    expect(telegram.callsOf('sendMessage')).toHaveLength(90);
    expect(telegram.rateLimited429).toBe(0);
  });

  it('with Redis unreachable, each process falls back to its own limiter and still delivers', async () => {
    telegram = await FakeTelegramApi.start();
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REDIS_URL: 'redis://127.0.0.1:1', AUREA_REDIS_PREFIX: prefix, AUREA_DATA_DIR: '/tmp' }, CHANNELS);
    const throttle = createTelegramThrottle(config, createLogger('silent', []));
    throttles.push(throttle);
    const api = configureApi(new Api(telegramSettings.of(config).token!, clientOptions(config)), throttle);
    await api.sendMessage(9_100_000, 'still delivered');
    expect(telegram.callsOf('sendMessage').map((c) => c.payload.text)).toEqual(['still delivered']);
  });

  it('closed right after it was built (a quick stop after start), it leaves no unhandled rejection behind', async () => {
    telegram = await FakeTelegramApi.start();
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REDIS_URL, AUREA_REDIS_PREFIX: prefix, AUREA_DATA_DIR: '/tmp' }, CHANNELS);
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      for (let i = 0; i < 5; i++) {
        const throttle = createTelegramThrottle(config, createLogger('silent', []));
        // Let the connection come up so the limiter's init script is in flight when it closes.
        const probe = new Redis(REDIS_URL);
        await probe.ping();
        probe.disconnect();
        await throttle.close();
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled.map(String)).toEqual([]);
  });
});
