import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_QUEUE } from '../jobs/definitions.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness, REDIS_URL } from './helpers/harness.js';

describe('system-monitor on a BullMQ job scheduler', () => {
  let h: Harness;
  const runs = async () => Number((await h.query(`SELECT count(*) AS n FROM ai_agent_executions WHERE agent_name = 'system-monitor' AND status = 'succeeded'`))[0]!.n);
  const waitRuns = async (more: number) => {
    const target = (await runs()) + more;
    await h.until(async () => (await runs()) >= target, 20_000, `${more} more monitor runs`);
  };
  const founderTexts = () => h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);

  beforeAll(async () => {
    h = await Harness.create({ monitorEvery: '300ms' });
    await h.start();
  });
  afterAll(() => h?.close());

  it('stays quiet while the service is up', async () => {
    await waitRuns(2);
    expect(founderTexts()).toEqual([]);
    const [last] = await h.query(`SELECT output FROM ai_agent_executions WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`);
    expect(last!.output).toMatchObject({ summary: '1/1 up', checks: [{ name: 'billing', ok: true, status: 200 }] });
  });

  it('one failed check between good ones is not an outage: no alert (failuresBeforeAlert, default 2)', async () => {
    await waitRuns(1);
    h.service.failNext(1);
    await h.until(() => h.service.failedRequests >= 1, 10_000, 'one failed health check');
    await waitRuns(3);
    expect(founderTexts()).toEqual([]);
    expect(await h.query(`SELECT * FROM ai_system_alerts`)).toEqual([]);
    const outputs = await h.query<{ output: { changes: string[] } }>(`SELECT output FROM ai_agent_executions WHERE status = 'succeeded' ORDER BY id`);
    expect(outputs.flatMap((o) => o.output.changes)).toEqual(['billing failed 1/2']);
  });

  it('down → one alert; still down over several runs → no more; back up → one recovery with the downtime', async () => {
    h.service.healthy = false;
    const down = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /DOWN/.test(c.text!), 20_000);
    expect(down.text).toBe('🔴 billing is DOWN: HTTP 503');
    await waitRuns(4);
    expect(founderTexts().filter((t) => /DOWN/.test(t))).toHaveLength(1);
    const open = await h.query(`SELECT severity, dedupe_key, delivered_at, resolved_at FROM ai_system_alerts`);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ severity: 'critical', dedupe_key: 'service-down:billing', resolved_at: null });
    expect(open[0]!.delivered_at).toBeInstanceOf(Date);

    h.service.healthy = true;
    const up = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /back UP/.test(c.text!), 20_000);
    expect(up.text).toMatch(/^🟢 billing is back UP after (\d+s|\d+m \d+s|\d+m) of downtime\.$/);
    await waitRuns(3);
    expect(founderTexts()).toHaveLength(2);
    const alerts = await h.query(`SELECT severity, resolved_at FROM ai_system_alerts ORDER BY id`);
    expect(alerts.map((a) => a.severity)).toEqual(['critical', 'info']);
    expect(alerts[0]!.resolved_at).toBeInstanceOf(Date);
  });

  it('/agents shows the last result and the next run', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/agents'));
    const text = await h.telegram.nthMessage(FOUNDER.id, before + 1);
    expect(text).toMatch(/system-monitor \(every 300ms\)\n {2}last: ✅ \S+ ago: 1\/1 up\n {2}next: in \S+/);
  });

  it('/run starts an agent now, outside its schedule', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    const runsBefore = await runs();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run system-monitor'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 1)).toMatch(/^▶ system-monitor queued \(job \S+\)\. \/agents shows its result\.$/);
    await h.until(async () => (await runs()) > runsBefore, 10_000, 'a run');
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run nosuch'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 2)).toBe('There is no agent "nosuch". Agents: system-monitor, security-monitor, memory-consolidation, daily-digest, revenue-report, maintenance.');
  });

  it('restarting upserts the schedule instead of adding another', async () => {
    await h.stop();
    await h.start();
    await h.stop();
    await h.start();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(AGENTS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every])).toEqual([['system-monitor', 300]]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
    await waitRuns(1);
  });
});
