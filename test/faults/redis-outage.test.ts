/**
 * Fault: Redis stopped for 6 s and started again. Commands that do not need Redis keep answering,
 * /status shows Redis down meanwhile, and the scheduled agents resume afterwards with one schedule
 * and no run twice.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_QUEUE } from '../../jobs/definitions.js';
import { FOUNDER, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';
import { RedisServer } from '../helpers/redis-server.js';

describe(`fault: Redis stopped for 6 s (${BACKEND})`, () => {
  let h: Harness;
  let redis: RedisServer;
  const runs = async () => Number((await h.query(`SELECT count(*) AS n FROM ai_agent_executions WHERE status = 'succeeded'`))[0]!.n);
  beforeAll(async () => {
    redis = await RedisServer.start();
    h = await Harness.create({ monitorEvery: '1s', env: { REDIS_URL: redis.url } });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await redis?.close();
  });

  it('answers meanwhile, shows Redis down in /status, and resumes the schedule without duplicates', async () => {
    await h.until(async () => (await runs()) >= 2, 20_000, 'two monitor runs');
    const ask = async (text: string) => {
      const before = h.telegram.messagesTo(FOUNDER.id).length;
      h.telegram.pushUpdate(textUpdate(FOUNDER, text));
      return h.telegram.nthMessage(FOUNDER.id, before + 1, 20_000);
    };

    await redis.down();
    const downAt = Date.now();
    expect(await ask('/help')).toMatch(/^Commands/);
    const status = await ask('/status');
    expect(status).toMatch(/🔴 redis: /);
    expect(status).toMatch(/🟢 database: /);
    expect(status).toMatch(/🟢 billing: up/);
    expect(await ask('/remember Redis was stopped for a fault test')).toMatch(/^🧠 Remembered as #\d+/);
    const runsDuringOutage = await runs();
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + 6_000 - Date.now()))); // six monitor intervals
    expect(await runs()).toBeLessThanOrEqual(runsDuringOutage + 1); // at most the run in flight when Redis went away

    await redis.up();
    await h.until(async () => (await runs()) >= runsDuringOutage + 3, 30_000, 'monitor runs after Redis is back');
    expect(await ask('/status')).toMatch(/🟢 redis: up/);

    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(AGENTS_QUEUE, { connection: client, prefix: h.prefix });
    try {
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['system-monitor']);
    } finally {
      await queue.close();
      client.disconnect();
    }
    const dupes = await h.query(`SELECT job_id, count(*)::int AS n FROM ai_agent_executions GROUP BY job_id HAVING count(*) > 1`);
    expect(dupes).toEqual([]);
  }, 120_000);
});
