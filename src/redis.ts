import { Redis } from 'ioredis';
import { AureaError, describeError } from './errors.js';
import { withTimeout } from './runtime/timed.js';
import { redactUrl } from './secrets.js';


/**
 * Opens a Redis connection.
 * - `app`: for health checks and status; commands fail after 2 s instead of queueing while Redis is away.
 * - `bullmq`: what BullMQ requires (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking calls.
 */
export function createRedis(url: string, purpose: 'app' | 'bullmq'): Redis {
  const redis =
    purpose === 'bullmq'
      ? new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true })
      : new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2_000, lazyConnect: true });
  redis.on('error', () => undefined); // reconnects on its own; callers see failures on their commands
  return redis;
}

/**
 * Connects and pings, failing within `timeoutMs`.
 * @throws AureaError REDIS_UNAVAILABLE naming the (password-redacted) URL
 */
export async function ensureRedis(redis: Redis, url: string, timeoutMs = 3_000): Promise<void> {
  try {
    await withTimeout(
      (async () => {
        if (redis.status === 'wait') await redis.connect();
        await redis.ping();
      })(),
      timeoutMs,
    );
  } catch (err) {
    throw new AureaError(
      'REDIS_UNAVAILABLE',
      `Cannot reach Redis at ${redactUrl(url)}: ${describeError(err)}. Start redis-server, or set REDIS_URL.`,
      { cause: err },
    );
  }
}
