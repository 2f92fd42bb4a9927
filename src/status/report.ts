import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { checkHealth } from '../health/check.js';
import { timed } from '../runtime/timed.js';
import type { QueueInspector } from './ports.js';

const ms = (n: number) => `${Math.round(n)} ms`;
/** How long /status waits for the database, Redis and the queues. */
const CHECK_MS = 2_000;

export interface StatusDeps {
  config: Config;
  db: Database;
  redis: Redis;
  queues: QueueInspector;
}

/**
 * The /status answer: every configured service's health (with latency), the database, Redis and
 * the job queues, all checked in parallel. Never throws: a failing part is shown as down.
 * @returns plain text, one line per component
 */
export async function statusReport(deps: StatusDeps): Promise<string> {
  const services = Object.entries(deps.config.services);
  const [serviceResults, db, redis, queues] = await Promise.all([
    Promise.all(services.map(([, s]) => (s.health ? checkHealth(s.health, s.healthTimeout) : Promise.resolve(null)))),
    timed(() => deps.db.pool.query('SELECT 1'), CHECK_MS),
    timed(() => deps.redis.ping(), CHECK_MS),
    timed(() => deps.queues.depths(), CHECK_MS),
  ]);
  const lines = ['AUREA status', '', 'Services'];
  if (services.length === 0) lines.push('(none configured; add them under services: in aurea.config.yaml)');
  services.forEach(([name], i) => {
    const r = serviceResults[i];
    if (!r) lines.push(`⚪ ${name}: no health URL configured`);
    else if (r.ok) lines.push(`🟢 ${name}: up (${ms(r.latencyMs)})`);
    else lines.push(`🔴 ${name}: down, ${r.error} (${ms(r.latencyMs)})`);
  });
  lines.push('', 'Infrastructure');
  lines.push(db.ok ? `🟢 database: ${deps.db.kind} (${ms(db.latencyMs)})` : `🔴 database: ${db.error}`);
  lines.push(redis.ok ? `🟢 redis: up (${ms(redis.latencyMs)})` : `🔴 redis: ${redis.error}`);
  if (queues.ok) {
    for (const q of queues.value) {
      const icon = q.failed > 0 ? '🟠' : '🟢';
      lines.push(`${icon} queue ${q.queue}: ${q.waiting} waiting, ${q.active} active, ${q.delayed} delayed, ${q.failed} failed`);
    }
  } else lines.push(`🔴 queues: ${queues.error}`);
  return lines.join('\n');
}
