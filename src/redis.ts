import { Redis } from 'ioredis';
import { AureaError, describeError } from './errors.js';
import { withTimeout } from './runtime/timed.js';
import { localRedisPassword, needsPassword } from './redis-local.js';
import { redactUrl } from './secrets.js';
import type { Config } from './config.js';


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
        if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
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

/**
 * Connects to AUREA's Redis as configured: REDIS_URL, or, when it is unset, 127.0.0.1:6379 without a
 * password, then with the password of the Redis AUREA starts itself (`<data dir>/redis/password`)
 * when that one answers NOAUTH (a running AUREA's, seen by `aurea pair` or `aurea doctor`).
 * @throws AureaError REDIS_UNAVAILABLE (ensureRedis)
 */
export async function connectRedis(config: Pick<Config, 'redis' | 'database'>, redis: Redis): Promise<void> {
  try {
    await ensureRedis(redis, config.redis.url);
  } catch (err) {
    const password = config.redis.managed && needsPassword(err) ? localRedisPassword(config.database.dataDir, false) : null;
    if (!password) throw err;
    redis.disconnect();
    redis.options.password = password;
    await ensureRedis(redis, config.redis.url);
  }
}
