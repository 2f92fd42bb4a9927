/**
 * The agent kit's schedules, as a founder drives them from chat: /pause, /resume and /schedule are
 * kept across restarts (in ai_agent_registry and in the BullMQ job schedulers), audited, and bad
 * input changes nothing; a downtime of several intervals gives exactly one catch-up run (`once`), or
 * none and a message (`notify`); the watchdog alerts when no worker runs the agents.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS_QUEUE } from '../jobs/definitions.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness, REDIS_URL } from './helpers/harness.js';

/** The agents queue's job schedulers, as [key, every, pattern, tz]. */
async function schedulers(h: Harness): Promise<Array<[string, number | undefined, string | undefined, string | undefined]>> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(AGENTS_QUEUE, { connection: redis, prefix: h.prefix });
  try {
    return (await queue.getJobSchedulers()).map((s) => [s.key, s.every ?? undefined, s.pattern ?? undefined, s.tz ?? undefined]);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

describe('agent kit: /pause, /resume, /schedule', () => {
  let h: Harness;
  afterEach(() => h?.close());
  const say = async (text: string) => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, text));
    return h.telegram.nthMessage(FOUNDER.id, before + 1);
  };

  it('pause and a new schedule survive a restart; /resume and /schedule default bring the config back; bad input changes nothing', async () => {
    h = await Harness.create({ monitorEvery: '1h' });
    await h.start();
    expect(await schedulers(h)).toEqual([['system-monitor', 3_600_000, undefined, undefined]]);

    expect(await say('/pause system-monitor')).toBe('⏸ system-monitor paused: no scheduled runs until /resume system-monitor. /run system-monitor still runs it once.');
    expect(await schedulers(h)).toEqual([]);
    expect(await say('/pause system-monitor')).toBe('system-monitor is already paused; /resume system-monitor restarts it.');
    expect(await say('/schedule system-monitor every 10m')).toBe('🗓 system-monitor now runs every 10m (the config\'s default is every 1h). It is paused: /resume system-monitor starts it.');

    await h.stop();
    await h.start();
    expect(await schedulers(h)).toEqual([]);
    expect(await say('/agents')).toMatch(/^Scheduled agents\n\ndaily-digest \(cron 0 8 \* \* \* UTC\)\n {2}last: never ran yet\n {2}next: disabled in aurea\.config\.yaml\nmaintenance \(cron 15 4 \* \* \* UTC\)\n {2}last: never ran yet\n {2}next: disabled in aurea\.config\.yaml\nmemory-consolidation \(cron 30 3 \* \* \* UTC\)\n {2}last: never ran yet\n {2}next: disabled in aurea\.config\.yaml\nrevenue-report \(cron 0 8 \* \* \* UTC\)\n {2}last: never ran yet\n {2}next: disabled in aurea\.config\.yaml\nsecurity-monitor \(every 1h\)\n {2}last: never ran yet\n {2}next: disabled in aurea\.config\.yaml\nsystem-monitor \(every 10m, set by \/schedule\)\n {2}last: .+\n {2}next: paused \(\/resume system-monitor\)$/);

    expect(await say('/resume system-monitor')).toMatch(/^▶ system-monitor resumed \(every 10m\); next run at \d\d:\d\d UTC\.$/);
    expect(await schedulers(h)).toEqual([['system-monitor', 600_000, undefined, undefined]]);
    expect(await say('/schedule system-monitor cron 0 8 * * * Europe/Paris')).toMatch(/^🗓 system-monitor now runs cron 0 8 \* \* \* Europe\/Paris \(the config's default is every 1h\)\. Next run at \d\d:\d\d UTC\.$/);
    await h.stop();
    await h.start();
    expect(await schedulers(h)).toEqual([['system-monitor', undefined, '0 8 * * *', 'Europe/Paris']]);

    // Bad input: a clear answer, nothing changed.
    expect(await say('/schedule system-monitor cron 99 8 * * *')).toMatch(/^"99 8 \* \* \*" is not a cron pattern \(.+\); e\.g\. "0 8 \* \* \*" for 08:00 every day\.$/);
    expect(await say('/schedule system-monitor cron 0 8 * * * Mars/Olympus')).toBe('"Mars/Olympus" is not a time zone; use an IANA name such as Europe/Paris or UTC.');
    expect(await say('/schedule system-monitor every soon')).toBe('"soon" is not an interval. Say every <interval> (e.g. every 10m) or cron <pattern> [time zone] (e.g. cron 0 8 * * * Europe/Paris).');
    expect(await say('/schedule system-monitor every 10ms')).toBe('An agent runs at most every 100ms; "every 10ms" is too often.');
    expect(await say('/pause nosuch')).toBe('There is no agent "nosuch". Agents: system-monitor, security-monitor, memory-consolidation, daily-digest, revenue-report, maintenance.');
    expect(await schedulers(h)).toEqual([['system-monitor', undefined, '0 8 * * *', 'Europe/Paris']]);

    expect(await say('/schedule system-monitor default')).toMatch(/^🗓 system-monitor is back on its default schedule, every 1h\. Next run at \d\d:\d\d UTC\.$/);
    expect(await schedulers(h)).toEqual([['system-monitor', 3_600_000, undefined, undefined]]);
    // The founder's changes (the agent's runs, agent.run.*, are audited on the same target).
    const audited = await h.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE target = 'agent:system-monitor' AND action NOT LIKE 'agent.run.%' ORDER BY id`);
    expect(audited.map((a) => a.action)).toEqual(['agent.paused', 'agent.rescheduled', 'agent.resumed', 'agent.rescheduled', 'agent.rescheduled']);
    expect(new Set(audited.map((a) => a.actor))).toEqual(new Set([`telegram:${FOUNDER.id}`]));
  });
});

describe.each([
  { missed: 'once' as const, first: 'catch-up:succeeded', alerts: [] as RegExp[] },
  { missed: 'notify' as const, first: 'catch-up:skipped', alerts: [/^🟠 system-monitor missed its runs while AUREA was not running: no run for \d+s \(every 1s\)\. It was not run to catch up \(agents\.system-monitor\.missed: notify\); \/run system-monitor runs it now\.$/] },
])('missed runs after downtime ($missed)', ({ missed, first, alerts }) => {
  let h: Harness;
  afterEach(() => h?.close());

  // The grace is generous (4 s for a 1 s schedule) so that a loaded machine picking a job up late is
  // not itself a missed run; the downtime (8 s) is more than 2 intervals + that grace.
  it(`a downtime of 8 intervals (2 intervals + 4 s of slack, jobs.missedGrace) → ${missed === 'once' ? 'exactly one catch-up run, then the schedule' : 'no catch-up, the founders told'}`, async () => {
    h = await Harness.create({ monitorEvery: '1s', monitorMissed: missed, yaml: 'jobs:\n  missedGrace: 4s\n' });
    await h.start();
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions WHERE status = 'succeeded'`)).length >= 2, 10_000, 'two scheduled runs');
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions WHERE status = 'running'`)).length === 0, 10_000, 'not in the middle of a run');
    const before = (await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM ai_agent_executions`))[0]!.n;
    await h.stop();
    await new Promise((r) => setTimeout(r, 8_000)); // more than 2 intervals + 4 s of slack
    await h.start();
    const finished = () => h.query<{ status: string; trigger: string }>(`SELECT status, trigger FROM ai_agent_executions WHERE status <> 'running' ORDER BY id OFFSET ${before}`);
    await h.until(async () => (await finished()).length >= 3, 10_000, 'runs after the restart');
    const after = await finished();
    // The first job after the downtime is the late one; the ones after it are on schedule.
    expect(`${after[0]!.trigger}:${after[0]!.status}`).toBe(first);
    expect(after.slice(1).map((r) => `${r.trigger}:${r.status}`)).toEqual(after.slice(1).map(() => 'schedule:succeeded'));
    const messages = h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
    expect(messages.filter((t) => /missed its runs/.test(t))).toHaveLength(alerts.length);
    for (const [i, pattern] of alerts.entries()) expect(messages.filter((t) => /missed its runs/.test(t))[i]).toMatch(pattern);
  });
});

describe('watchdog', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('no worker takes the agents\' jobs for 3 intervals → one warning; they run again → the founders are told', async () => {
    h = await Harness.create({ monitorEvery: '1s', yaml: `jobs:\n  watchdogInterval: 300ms\n` });
    await h.start();
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions`)).length >= 1, 10_000, 'a first run');
    // Stop every worker taking jobs from the agents queue (BullMQ's global pause), as a dead worker would.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(AGENTS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      await queue.pause();
      const alert = (m: { text: string }) => m.text.includes('system-monitor has not run for');
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some(alert), 15_000, 'the watchdog alert');
      await new Promise((r) => setTimeout(r, 1_500));
      const silent = h.telegram.messagesTo(FOUNDER.id).filter(alert);
      expect(silent).toHaveLength(1);
      expect(silent[0]!.text).toMatch(/^🟠 system-monitor has not run for \d+s \(3 of its intervals, every 1s\)\. Is an AUREA worker running\? \/agents shows the schedules; \/run system-monitor runs it now\.$/);
      await queue.resume();
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => /system-monitor is running again/.test(m.text)), 15_000, 'running again');
      expect(await h.query(`SELECT resolved_at IS NOT NULL AS resolved FROM ai_system_alerts WHERE dedupe_key = 'agent-silent:system-monitor'`)).toEqual([{ resolved: true }]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
