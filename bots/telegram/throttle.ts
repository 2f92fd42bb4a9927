import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import Bottleneck from 'bottleneck';
import type { Transformer } from 'grammy';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { withTimeout } from '../../src/runtime/timed.js';
import { telegramSettings, type TelegramSettings } from './settings.js';

/**
 * Telegram's limits (Bot FAQ): about 30 messages/s overall, 20/min in a group, about 1/s per chat
 * with short bursts allowed. Per private chat we allow a burst of 3 refilled at 1/s instead of the
 * plugin's strict 1 per 1.05 s, so an answer to a founder's command is not held behind the last one
 * (`telegram.perChat` in aurea.config.yaml).
 *
 * Overall we stay under 30/s as a token bucket: a burst of 20, refilled by 5 every 200 ms (25/s).
 * A reservoir refilled to 30 once a second (the plugin's default) is anchored to the moment the
 * limiter was created, not to the first send, so a burst sent 100 ms after creation and the next
 * one at the refill could come 900 ms apart: 60 messages in under a second. That cost 429s in CI.
 */
const LIMITS = {
  global: { reservoir: 20, reservoirIncreaseAmount: 5, reservoirIncreaseInterval: 200, reservoirIncreaseMaximum: 20 },
  group: { maxConcurrent: 1, minTime: 1_000, reservoir: 20, reservoirRefreshAmount: 20, reservoirRefreshInterval: 60_000 },
} satisfies APIThrottlerOptions;

/** The per-chat limiter: a burst of `telegram.perChat.burst` (3), refilled one at a time at `perSecond` (1). */
const perChatLimits = ({ burst, perSecond }: TelegramSettings['perChat']) => ({
  maxConcurrent: 1,
  reservoir: burst,
  reservoirIncreaseAmount: 1,
  reservoirIncreaseInterval: Math.round(1_000 / perSecond),
  reservoirIncreaseMaximum: burst,
});

export interface TelegramThrottle {
  /** The grammY API transformer that schedules every call with a chat_id. */
  transformer: Transformer;
  close(): Promise<void>;
}

/**
 * One Telegram rate limiter for all AUREA processes of a bot (bot and workers send to the same
 * chats): @grammyjs/transformer-throttler with its Bottleneck limiters clustered through Redis
 * (Bottleneck's `ioredis` datastore, ids under the key prefix and the bot's id). While Redis is
 * away, each process falls back to limiters of its own with the same limits, so replies still go out.
 * @param config Telegram token (for the bot id), Redis URL and key prefix
 */
export function createTelegramThrottle(config: Config, log: Logger): TelegramThrottle {
  const client = new Redis(config.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  client.on('error', () => undefined); // reconnects by itself; calls fall back to the local limiters meanwhile
  const connection = new Bottleneck.IORedisConnection({ client, Redis } as Bottleneck.IORedisConnectionOptions);
  connection.on('error', () => undefined);
  const settings = telegramSettings.of(config);
  const id = `${config.redis.prefix}:telegram:${settings.token!.split(':')[0]}`;
  // The overall budget is what processes compete for: the bucket is kept in Redis (Bottleneck's
  // scripts refill it from Redis's clock); clustered limiters learn of a refill on their heartbeat
  // (default every 5 s): 100 ms here. The first limiter to connect writes the settings and later
  // ones keep them, so the id carries the settings' version (`v2`: the token bucket above).
  // Per-chat limits stay per process: clustered per-chat limiters stalled after a restart in our
  // tests, a founder chat rarely hears from two processes in the same second, and auto-retry
  // absorbs a 429 there.
  const sharedGlobal = new Bottleneck({ ...LIMITS.global, datastore: 'ioredis', connection, id: `${id}:global:v2`, heartbeatInterval: 100 });
  // Bottleneck 2.19.5 never observes a clustered limiter's readiness promise: closed before its
  // init script answered (a quick stop after start), it became an unhandled rejection
  // ("Connection is closed.") that failed a CI run. Observed here; schedule() still sees the failure.
  sharedGlobal.ready().catch(() => undefined);
  sharedGlobal.on('error', () => undefined);
  const localGlobal = new Bottleneck(LIMITS.global);
  // Per-chat and per-group limits from the plugin; its own global limiter is left unlimited, the
  // global budget is applied below each per-chat slot (as the plugin chains it).
  const perChat = apiThrottler({ ...LIMITS, out: perChatLimits(settings.perChat), global: {} });

  // Until the first connection is up (or has failed for 2 s), calls wait for it rather than
  // bypassing the shared budget.
  // (Bottleneck's typings call `ready` a method; at run time it is the connection's promise.)
  const ready = (connection as unknown as { ready: Promise<unknown> }).ready;
  const connected = withTimeout(ready, 2_000).catch(() => undefined);
  const viaGlobal = async <T>(send: () => Promise<T>, method: string): Promise<T> => {
    if (client.status === 'connecting' || client.status === 'connect' || client.status === 'wait') await connected;
    if (client.status !== 'ready') return localGlobal.schedule(send);
    let reachedTelegram = false;
    try {
      return await sharedGlobal.schedule(() => ((reachedTelegram = true), send()));
    } catch (err) {
      if (reachedTelegram) throw err;
      log.warn({ err, method }, 'telegram: the shared rate limiter is unavailable (Redis); using this process\'s own');
      return localGlobal.schedule(send);
    }
  };
  const transformer: Transformer = (prev, method, payload, signal) =>
    perChat((m, p, s) => viaGlobal(() => prev(m, p, s), m), method, payload, signal);
  return {
    transformer,
    async close() {
      await connection.disconnect(false).catch(() => undefined);
      client.disconnect();
    },
  };
}
