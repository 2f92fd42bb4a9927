/**
 * Outgoing events: every audited state change of the event families is a CloudEvent in the outbox
 * (written with its audit row), delivered to each events.webhooks[] entry signed per Standard
 * Webhooks, in order per subject; retried while the subscriber is down, parked after
 * events.retryFor (and reported in the daily digest); after a crash, delivered on restart.
 * A receiver on 127.0.0.1 verifies every request with the `standardwebhooks` library.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FOUNDER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown } from './helpers/chat.js';
import { EventReceiver, eventsDrained } from './helpers/event-receiver.js';
import { postAlert } from './helpers/generic-alert.js';
import { Harness, REDIS_URL } from './helpers/harness.js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { EVENTS_QUEUE } from '../jobs/event-jobs.js';
import { SYSTEM } from '../src/actor.js';
import { audit } from '../src/audit/log.js';
import { AureaProcess } from './helpers/process.js';
import { runEventsTail } from '../src/cli/events.js';

const ALERTS_TOKEN = 'alerts-token-0123456789abcdef';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** `events:` for one receiver, plus extra keys (indented two spaces). */
const eventsYaml = (r: EventReceiver, extra = '') => `events:\n  instance: test-instance\n  webhooks:\n    - name: receiver\n      url: ${r.url}\n      secretEnv: EVENTS_SECRET\n${extra}`;

/** The eventful audit rows, in order: what the subscriber must receive. */
async function audited(h: Harness): Promise<Array<{ action: string; target: string }>> {
  return h.query(
    `SELECT action, target FROM audit_log WHERE (action ~ '^(deploy|task|approval|alert|incident|payment)\\.' AND action !~ '^task\\.tool\\.') OR action ~ '^agent\\.run\\.' ORDER BY id`,
  );
}

/** A subject's event types in the order received. */
const bySubject = (events: EventReceiver['accepted'], subject: string) => events.filter((e) => e.subject === subject).map((e) => e.type.replace('com.aurea.', ''));

describe(`outgoing events (${BACKEND})`, { timeout: 120_000 }, () => {
  const track = closedAfterEach();
  const procs: AureaProcess[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  it('a deploy and a task each produce their events, in order per subject, each verified with the standardwebhooks library', async () => {
    const receiver = track(await EventReceiver.start());
    const h = track(await Harness.create({ yaml: eventsYaml(receiver), env: { EVENTS_SECRET: receiver.secret, ADMIN_TOKEN }, serviceYaml: 'developer:\n  command: sh tools/coding-agent.sh' }));
    mkdirSync(join(h.repo.dir, 'tools'));
    writeFileSync(join(h.repo.dir, 'tools', 'coding-agent.sh'), 'head -n 1 "$AUREA_TASK_FILE" > NOTES.md\necho "wrote NOTES.md"\n');
    execFileSync('git', ['add', '.'], { cwd: h.repo.dir });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'the coding CLI stand-in'], { cwd: h.repo.dir });
    await h.start();
    // The live stream, read as `aurea events tail` reads it.
    const tailed: string[] = [];
    const stopTail = new AbortController();
    const tail = runEventsTail({ adminToken: ADMIN_TOKEN, http: { port: h.app!.httpPort!, host: '127.0.0.1' } }, { signal: stopTail.signal, write: (line) => tailed.push(line) });

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const approval = await shown(h, /^Deploy billing\?/);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons.find((b) => /Approve/.test(b.text))!.callback_data, approval));
    await shown(h, /billing deployed/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing write release notes'));
    const taskApproval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, taskApproval.buttons[0]!.callback_data, taskApproval));
    await shown(h, /^✅ Task #1 on billing deployed and verified/);
    await h.settled();
    await eventsDrained(h);

    const expected = await audited(h);
    const got = receiver.accepted;
    // Every eventful change, once each, every request signed.
    expect(receiver.requests.every((r) => r.verified && r.status === 200 && r.contentType.startsWith('application/cloudevents+json'))).toBe(true);
    expect(new Set(receiver.requests.map((r) => r.webhookId)).size).toBe(receiver.requests.length);
    expect(got.map((e) => `${e.type} ${e.subject}`).sort()).toEqual(expected.map((a) => `com.aurea.${a.action} ${a.target}`).sort());
    // In order per subject, as audited.
    for (const subject of new Set(expected.map((a) => a.target))) {
      expect(bySubject(got, subject)).toEqual(expected.filter((a) => a.target === subject).map((a) => a.action));
    }
    expect(bySubject(got, 'service:billing')).toEqual(['deploy.started', 'deploy.deployed', 'task.deploy.started']);
    expect(bySubject(got, 'task:1').at(-1)).toBe('task.deployed');
    const approvals = got.filter((e) => e.type.startsWith('com.aurea.approval.'));
    expect(approvals.map((e) => e.type)).toEqual(['com.aurea.approval.requested', 'com.aurea.approval.approved', 'com.aurea.approval.requested', 'com.aurea.approval.approved']);
    const deployed = got.find((e) => e.type === 'com.aurea.deploy.deployed')!;
    expect({ specversion: deployed.specversion, source: deployed.source, subject: deployed.subject, datacontenttype: deployed.datacontenttype }).toEqual({
      specversion: '1.0',
      source: 'aurea://test-instance/billing',
      subject: 'service:billing',
      datacontenttype: 'application/json',
    });
    expect(deployed.data).toMatchObject({ actor: { id: `telegram:${FOUNDER.id}`, name: 'Ada Founder' } });
    // The webhook-id is the CloudEvents id.
    expect(receiver.requests.map((r) => r.webhookId)).toEqual(got.map((e) => e.id));

    // The tail printed the same events from when it connected, one line each (time, type, subject, data).
    await h.until(() => tailed.some((l) => / task\.deployed  task:1 /.test(l)), 10_000, 'the tail to print the task deployed');
    stopTail.abort();
    expect(await tail).toBe(0);
    const outbox = (await h.query<{ action: string; target: string }>(`SELECT action, target FROM event_outbox ORDER BY id`)).map((r) => `${r.action} ${r.target}`);
    expect(tailed.map((l) => l.split('  ').slice(1, 3).join(' '))).toEqual(outbox.slice(-tailed.length));
    expect(tailed).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d  deploy\.deployed  service:billing  \{/));
    // The stream's doors: no token → 401; a filter that is not an event type never becomes a regular expression.
    const stream = (query: string, token?: string) => fetch(`http://127.0.0.1:${h.app!.httpPort}/events/stream${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await stream('')).status).toBe(401);
    const bad = await stream('?types=(a%2B)%2B%24', ADMIN_TOKEN);
    expect({ status: bad.status, body: await bad.json() }).toEqual({ status: 400, body: { error: 'types: "(a+)+$" is not an event type like deploy.deployed, deploy.* or *' } });
  });

  it('a Stripe payment webhook is a payment.* event, once however often Stripe sends it; a webhook gets only the types it asked for', async () => {
    const receiver = track(await EventReceiver.start());
    const secret = 'whsec_events_test_stripe_secret';
    const h = track(await Harness.create({ yaml: eventsYaml(receiver).replace('      secretEnv: EVENTS_SECRET\n', '      secretEnv: EVENTS_SECRET\n      types: [payment.*]\n'), env: { EVENTS_SECRET: receiver.secret, STRIPE_WEBHOOK_SECRET: secret } }));
    await h.start();
    // stripe-java's sample event (test/fixtures/stripe/), signed as Stripe signs (docs.stripe.com/webhooks#verify-manually).
    const body = readFileSync(join(import.meta.dirname, 'fixtures/stripe/invoice.payment_failed.json'), 'utf8');
    const post = () => {
      const t = Math.floor(Date.now() / 1000);
      return fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` }, body });
    };
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    await shown(h, /^🟠 Invoice payment failed/);
    await eventsDrained(h);
    // The Stripe alert (alert.raised) and the agents' runs are events too, but not of the types asked for.
    expect((await audited(h)).map((a) => a.action)).toEqual(expect.arrayContaining(['payment.failed', 'alert.raised']));
    expect(receiver.accepted.map((e) => ({ type: e.type, subject: e.subject, data: e.data }))).toEqual([
      { type: 'com.aurea.payment.failed', subject: 'stripe:in_00000000000000', data: { actor: { id: 'system:stripe', name: 'Stripe' }, stripeEvent: 'evt_00000000000000', stripeType: 'invoice.payment_failed', amount: 1000, currency: null, customer: 'cus_00000000000000' } },
    ]);
  });

  it('the receiver down → retried with backoff; once it is up, every event is delivered once, in order per subject', async () => {
    const receiver = track(await EventReceiver.start());
    receiver.up = false;
    const h = track(await Harness.create({ yaml: eventsYaml(receiver, '  retryDelay: 100ms\n  retryMaxDelay: 400ms\n'), env: { EVENTS_SECRET: receiver.secret, ALERTS_TOKEN } }));
    await h.start();
    const post = (body: Record<string, unknown>) => postAlert(h.app!.httpPort!, ALERTS_TOKEN, body);
    for (const n of [1, 2, 3, 4]) await post({ fingerprint: `check-${n}`, title: `Check ${n} failing`, service: 'billing' });
    for (const n of [1, 2, 3, 4]) await post({ fingerprint: `check-${n}`, title: `Check ${n} failing`, status: 'resolved' });
    // Down: each subject's first event is refused, again and again (other events of a subject wait behind it).
    await receiver.waitFor(() => receiver.requests.filter((r) => r.status === 503).length >= 12, 30_000, 'twelve refused deliveries');
    const [retried] = await h.query<{ attempts: number }>(`SELECT max(attempts)::int AS attempts FROM event_deliveries`);
    expect(retried!.attempts).toBeGreaterThanOrEqual(2);
    expect(await h.query(`SELECT count(*)::int AS n FROM event_deliveries WHERE status = 'delivered'`)).toEqual([{ n: 0 }]);

    receiver.up = true;
    await eventsDrained(h);
    const expected = await audited(h);
    const got = receiver.accepted;
    expect(got).toHaveLength(expected.length);
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    for (const subject of new Set(expected.map((a) => a.target))) {
      expect(bySubject(got, subject)).toEqual(expected.filter((a) => a.target === subject).map((a) => a.action));
    }
    expect(bySubject(got, 'incident:1')).toEqual(['incident.opened', 'incident.alert_added', 'incident.alert_added', 'incident.alert_added', 'incident.alert_resolved', 'incident.alert_resolved', 'incident.alert_resolved', 'incident.closed']);
    expect(await h.query(`SELECT status, count(*)::int AS n FROM event_deliveries GROUP BY status`)).toEqual([{ status: 'delivered', n: expected.length }]);
  });

  it('a subscriber down past events.retryFor → its deliveries are parked, and the daily digest says so', async () => {
    const receiver = track(await EventReceiver.start());
    receiver.up = false;
    const h = track(await Harness.create({ dailyDigest: true, yaml: eventsYaml(receiver, '  retryFor: 300ms\n  retryDelay: 100ms\n  retryMaxDelay: 100ms\n'), env: { EVENTS_SECRET: receiver.secret, ALERTS_TOKEN } }));
    await h.start();
    await postAlert(h.app!.httpPort!, ALERTS_TOKEN, { fingerprint: 'x', title: 'X failing' });
    await eventsDrained(h);
    // alert.raised, incident.opened (and the monitor's run at start, if it ran): every one parked.
    const n = (await audited(h)).length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(await h.query(`SELECT status, last_error, count(*)::int AS n FROM event_deliveries GROUP BY status, last_error`)).toEqual([{ status: 'parked', last_error: 'HTTP 503', n }]);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run daily-digest'));
    const digest = await shown(h, /^☀️ Daily digest/);
    // The digest's own run ends after it is sent: its event is not parked yet.
    expect(digest.text).toContain(`⚠️ Events: ${n} not delivered to webhook receiver after retrying for 300ms, parked (last error: HTTP 503).`);
  });

  it('a delivery whose job BullMQ failed for good is retried by the dispatcher and delivered once', async () => {
    const receiver = track(await EventReceiver.start());
    receiver.up = false;
    const h = track(await Harness.create({ yaml: eventsYaml(receiver, '  retryDelay: 1h\n  retryMaxDelay: 1h\n  dispatchInterval: 100ms\n'), env: { EVENTS_SECRET: receiver.secret } }));
    await h.start();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(EVENTS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      await audit(h.app!.core.db.pool, SYSTEM, 'deploy.probe', 'service:probe', {});
      const [event] = await h.query<{ event_id: string }>(`SELECT event_id FROM event_outbox WHERE action = 'deploy.probe'`);
      const jobId = `event.${event!.event_id}.receiver`;
      await receiver.waitFor(() => receiver.requests.some((r) => r.webhookId === event!.event_id), 10_000, 'the first attempt');
      // Made to fail for good (as after its worker crashed mid-delivery maxStalledCount times): the
      // waiting retry replaced by the same job id with no attempts left, tried while the receiver is down.
      await h.until(async () => (await queue.getJobState(jobId)) === 'delayed', 10_000, 'the retry to wait');
      await (await queue.getJob(jobId))!.remove();
      await queue.add('event.deliver', { eventId: event!.event_id, webhook: 'receiver' }, { jobId, attempts: 1 });
      await h.until(async () => (await queue.getJobState(jobId)) === 'failed', 10_000, 'the job to fail for good');
      // (The system monitor's run at start is an event too, waiting out its own 1 h retry: left alone.)
      const probe = `SELECT status, attempts FROM event_deliveries WHERE subject = 'service:probe'`;
      expect(await h.query(probe)).toEqual([{ status: 'queued', attempts: 2 }]);

      receiver.up = true;
      // A minute later (moved back here), the dispatcher sees the delivery still open and retries the job.
      await h.query(`UPDATE event_deliveries SET queued_at = now() - interval '2 minutes' WHERE subject = 'service:probe'`);
      await h.until(async () => (await h.query(probe))[0]!.status === 'delivered', 15_000, 'the delivery');
      expect(receiver.accepted.filter((e) => e.id === event!.event_id)).toHaveLength(1);
      expect(await h.query(probe)).toEqual([{ status: 'delivered', attempts: 3 }]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('AUREA killed between the change and the delivery → the events are delivered after restart (the outbox)', async () => {
    const receiver = track(await EventReceiver.start());
    // The dispatcher passes once at start, then hourly: a change made after start stays in the outbox.
    const h = track(await Harness.create({ yaml: eventsYaml(receiver, '  dispatchInterval: 1h\n'), env: { EVENTS_SECRET: receiver.secret, ALERTS_TOKEN } }));
    const first = AureaProcess.start('start', h.processEnv());
    procs.push(first);
    await first.waitForOutput(/aurea: started/);
    const port = Number(/"port":(\d+)/.exec(first.output)![1]);
    expect(await postAlert(port, ALERTS_TOKEN, { fingerprint: 'db', title: 'Database slow', service: 'billing' })).toEqual({ raised: 1, resolved: 0 });
    await shown(h, /^🟠 Incident #\d+ · billing/);
    await first.kill9();
    procs.splice(0);
    expect(receiver.requests).toEqual([]);

    await h.start();
    await eventsDrained(h);
    const got = receiver.accepted.map((e) => `${e.type} ${e.subject}`);
    expect(got.filter((e) => !e.includes(' agent:'))).toEqual(['com.aurea.alert.raised alert:1', 'com.aurea.incident.opened incident:1']);
    // Scheduled agents' runs are events too: each exactly once.
    expect(got).toHaveLength((await audited(h)).length);
  });
});
