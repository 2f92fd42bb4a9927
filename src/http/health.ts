import type { Redis } from 'ioredis';
import type { Database } from '../db/database.js';
import { timed, type Timed } from '../runtime/timed.js';

/** What GET /health says: `ok`, or `degraded` when a dependency does not answer. */
export type HealthStatus = 'ok' | 'degraded';

export interface HealthReport {
  status: HealthStatus;
  /** Names of the failed dependencies. */
  failed: string[];
  /** Each dependency's answer; `error` is the raw error text, shown only with the admin token. */
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
}

/** AUREA's own health (GET /health): the database and Redis each answer within 2 s. */
export async function selfHealth(db: Database, redis: Redis): Promise<HealthReport> {
  const [database, redisCheck] = await Promise.all([timed(() => db.pool.query('SELECT 1'), 2_000), timed(() => redis.ping(), 2_000)]);
  const shown = (c: Timed<unknown>) => ({ ok: c.ok, latencyMs: Math.round(c.latencyMs), ...(c.ok ? {} : { error: c.error }) });
  const checks = { database: shown(database), redis: shown(redisCheck) };
  const failed = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([k]) => k);
  return { status: failed.length ? 'degraded' : 'ok', failed, checks };
}
