/**
 * Signals in and out (`npm run bench -- events`), on the embedded database (AUREA_TEST_BACKEND=postgres:
 * a real server), real Redis, fake Telegram on 127.0.0.1:
 * - webhook-to-chat latency: an Alertmanager v4 body POSTed to /webhooks/alertmanager until the
 *   incident message reaches the fake Bot API (each for a new service, so each opens an incident);
 * - event delivery throughput to one receiver (standardwebhooks-verified): E events on one subject
 *   (strictly one after another) and on 50 subjects;
 * - the outbox's added time per change: an audited change whose action is an event (the trigger
 *   writes the outbox row) against one that is not, same statement, C changes each.
 */
import { SYSTEM } from '../src/actor.js';
import { audit } from '../src/audit/log.js';
import { EventReceiver, eventsDrained } from '../test/helpers/event-receiver.js';
import { FOUNDER } from '../test/fixtures/telegram-updates.js';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

const TOKEN = 'bench-alerts-token-0123456789';

export async function eventsBench(alerts = Number(process.env.ALERTS ?? 50), events = Number(process.env.EVENTS ?? 500), changes = Number(process.env.CHANGES ?? 2000)): Promise<BenchResult> {
  const receiver = await EventReceiver.start();
  const h = await Harness.create({
    env: { ALERTS_TOKEN: TOKEN, EVENTS_SECRET: receiver.secret },
    yaml: `events:\n  webhooks:\n    - name: receiver\n      url: ${receiver.url}\n      secretEnv: EVENTS_SECRET\n`,
  });
  try {
    await h.start();
    const port = h.app!.httpPort!;
    const db = h.app!.core.db.pool;

    // 1. Webhook → chat.
    const latencies: number[] = [];
    for (let i = 0; i < alerts; i++) {
      const before = h.telegram.messagesTo(FOUNDER.id).length;
      const body = { version: '4', status: 'firing', receiver: 'aurea', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager:9093', groupKey: `{}:{service="svc-${i}"}`, truncatedAlerts: 0, alerts: [{ status: 'firing', labels: { alertname: 'HighErrorRate', service: `svc-${i}`, severity: 'critical' }, annotations: { summary: 'errors' }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus/graph', fingerprint: `fp${i}` }] };
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`alertmanager webhook answered ${res.status}`);
      await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).length > before, 10_000, 'the incident message');
      latencies.push(performance.now() - t0);
    }
    await eventsDrained(h, 300_000);

    // 2. Delivery throughput.
    const throughput = async (subjects: number) => {
      const start = receiver.accepted.length;
      const t0 = performance.now();
      for (let i = 0; i < events; i++) await audit(db, SYSTEM, 'deploy.bench', `service:bench-${i % subjects}`, { i });
      await receiver.waitFor(() => receiver.accepted.length - start >= events, 300_000, `${events} deliveries`);
      return events / ((performance.now() - t0) / 1000);
    };
    const oneSubject = await throughput(1);
    const manySubjects = await throughput(50);
    await eventsDrained(h, 300_000);
    const verified = receiver.requests.every((r) => r.verified);

    // 3. The outbox's added time per change (the trigger's insert), interleaved so load affects both alike.
    const timed: Record<'event' | 'plain', number[]> = { event: [], plain: [] };
    for (let i = 0; i < changes; i++) {
      for (const kind of ['event', 'plain'] as const) {
        const t0 = performance.now();
        await audit(db, SYSTEM, kind === 'event' ? 'deploy.bench_change' : 'command.bench_change', 'service:bench', { i });
        timed[kind].push(performance.now() - t0);
      }
    }
    const p50 = (k: 'event' | 'plain') => percentile(timed[k], 50);
    return {
      name: `signals in and out: ${alerts} Alertmanager webhooks, ${events} events per delivery run, ${changes} audited changes each way`,
      rows: [
        { metric: 'Alertmanager webhook → incident message, p50', value: round(percentile(latencies, 50), 1), unit: 'ms' },
        { metric: 'Alertmanager webhook → incident message, p95', value: round(percentile(latencies, 95), 1), unit: 'ms' },
        { metric: 'event delivery, one subject (in order)', value: round(oneSubject, 1), unit: 'events/s' },
        { metric: 'event delivery, 50 subjects', value: round(manySubjects, 1), unit: 'events/s' },
        { metric: 'every delivery verified (standardwebhooks)', value: verified ? 'yes' : 'no', unit: '', met: verified },
        { metric: 'audited change with its event, p50', value: round(p50('event'), 3), unit: 'ms' },
        { metric: 'audited change without an event, p50', value: round(p50('plain'), 3), unit: 'ms' },
        { metric: "outbox's added time per change (p50 difference)", value: round(p50('event') - p50('plain'), 3), unit: 'ms' },
      ],
    };
  } finally {
    await h.close();
    await receiver.close();
  }
}
