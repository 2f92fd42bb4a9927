import { Api } from 'grammy';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { describeError } from '../errors.js';
import { checkHealth } from '../health/check.js';
import { createRedis, ensureRedis } from '../redis.js';
import { redactUrl } from '../secrets.js';

type Level = 'ok' | 'warn' | 'fail';
const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * `aurea doctor`: prints what is configured and whether each part answers — database (and pgvector),
 * Redis, Telegram getMe, every service's health URL.
 * @returns exit code: 1 when something required (database, Redis, a configured Telegram token and its
 *   founders) is missing or unreachable, else 0. Unhealthy services are warnings, not failures.
 */
export async function runDoctor(config: Config, print: (line: string) => void = console.log): Promise<number> {
  let failed = false;
  const report = (level: Level, what: string, detail: string) => {
    if (level === 'fail') failed = true;
    print(`${MARK[level]} ${what.padEnd(18)} ${detail}`);
  };

  report('ok', 'config', config.configFile ?? 'no aurea.config.yaml: defaults (no services, no agents overrides)');

  try {
    const db = await openDatabase(config);
    try {
      const ext = await db.pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
      report(ext.rowCount ? 'ok' : 'fail', 'database', `${db.describe}${ext.rowCount ? ', pgvector available' : ', pgvector MISSING'}`);
    } finally {
      await db.close();
    }
  } catch (err) {
    const locked = (err as { code?: string }).code === 'DATABASE_LOCKED';
    report(locked ? 'ok' : 'fail', 'database', locked ? `embedded, in use by a running AUREA: ${describeError(err)}` : describeError(err));
  }

  const redis = createRedis(config.redis.url, 'app');
  try {
    await ensureRedis(redis, config.redis.url);
    report('ok', 'redis', `${redactUrl(config.redis.url)} (prefix ${config.redis.prefix})`);
  } catch (err) {
    report('fail', 'redis', describeError(err));
  } finally {
    redis.disconnect();
  }

  if (!config.telegram.token) {
    report('warn', 'telegram', 'TELEGRAM_BOT_TOKEN not set: no Telegram channel');
  } else {
    try {
      const me = await new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot, timeoutSeconds: 10 }).getMe();
      report('ok', 'telegram', `@${me.username} via ${config.telegram.apiRoot}, ${config.telegram.webhookUrl ? `webhook ${config.telegram.webhookUrl}` : 'long polling'}`);
    } catch (err) {
      report('fail', 'telegram', `getMe failed: ${describeError(err)}`);
    }
    if (config.telegram.founders.length) report('ok', 'founders', `telegram: ${config.telegram.founders.join(', ')}`);
    else report('fail', 'founders', 'none: set FOUNDER_TELEGRAM_IDS or founders.telegram in aurea.config.yaml');
  }

  const services = Object.entries(config.services);
  if (services.length === 0) report('warn', 'services', 'none configured');
  await Promise.all(
    services.map(async ([name, s]) => {
      if (!s.health) return report('warn', `service ${name}`, 'no health URL');
      const r = await checkHealth(s.health, s.healthTimeout);
      report(r.ok ? 'ok' : 'warn', `service ${name}`, r.ok ? `up (${Math.round(r.latencyMs)} ms)` : `down: ${r.error}`);
    }),
  );
  print(failed ? '\nSomething required is missing or unreachable (✗ above).' : '\nAll required parts answer.');
  return failed ? 1 : 0;
}
