import type { Redis } from 'ioredis';
import type { Database } from '../db/database.js';
import { describeError } from '../errors.js';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** Names of the failed dependencies. */
  failed: string[];
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
}

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs)))]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** AUREA's own health (GET /health): the database and Redis each answer within 2 s. */
export async function selfHealth(db: Database, redis: Redis): Promise<HealthReport> {
  const [database, redisCheck] = await Promise.all([probe(() => db.pool.query('SELECT 1'), 2_000), probe(() => redis.ping(), 2_000)]);
  const checks = { database, redis: redisCheck };
  const failed = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([k]) => k);
  return { status: failed.length ? 'unavailable' : 'ok', failed, checks };
}
