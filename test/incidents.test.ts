/**
 * Incidents: inbound alerts for one service within alerts.incidentWindow are one incident, one
 * message per founder chat, its news threaded under it (Telegram replies, Slack thread_ts); ✔ Ack
 * acts on all its alerts; /incidents lists it; 🩺 Diagnose shows the Sentry issue's stack frames
 * read from (a fake of) Sentry's API.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeSentryApi } from './fakes/sentry-api.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown, tapAnswer } from './helpers/chat.js';
import { postAlert } from './helpers/generic-alert.js';
import { Harness } from './helpers/harness.js';

const TOKEN = 'alerts-token-0123456789abcdef';
const SENTRY_SECRET = 'sentry-client-secret-0123456789abcdef';
const SENTRY_TOKEN = 'sntrys_fake-token-0123456789abcdef';

describe(`incidents (${BACKEND})`, () => {
  const track = closedAfterEach();

  it('three alerts for one service within the window → one incident, threaded on Telegram (replies) and Slack (thread_ts); ✔ Ack acknowledges all three; /incidents lists it', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN }, slack: true }));
    await h.start();
    const post = (body: Record<string, unknown>) => postAlert(h.app!.httpPort!, TOKEN, body);
    expect(await post({ fingerprint: 'api-5xx', title: 'API 5xx above 2%', severity: 'warning', service: 'billing' })).toEqual({ raised: 1, resolved: 0 });
    const root = await shown(h, /^🟠 Incident #\d+ · billing\n1 alert, 1 firing/);
    expect(await post({ fingerprint: 'api-latency', title: 'p99 latency over 3s', severity: 'critical', service: 'billing' })).toEqual({ raised: 1, resolved: 0 });
    expect(await post({ fingerprint: 'queue-depth', title: 'Queue depth over 1000', severity: 'warning', service: 'billing' })).toEqual({ raised: 1, resolved: 0 });
    await shown(h, /^🟠 Joined: billing: Queue depth over 1000$/);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^🔴 Incident #\d+ · billing\n3 alerts, 3 firing/.test(c.text ?? '')), 10_000, 'the incident edited with three alerts');

    // Telegram: one incident message, the two joins as replies to it.
    const sent = h.telegram.callsOf('sendMessage', FOUNDER.id).filter((c) => /billing/.test(c.text ?? ''));
    expect(sent.map((c) => [c.text!.split('\n')[0], c.payload.reply_parameters?.message_id ?? null])).toEqual([
      [expect.stringMatching(/^🟠 Incident #\d+ · billing$/), null],
      ['🔴 Joined: billing: p99 latency over 3s', root.message_id],
      ['🟠 Joined: billing: Queue depth over 1000', root.message_id],
    ]);
    // Slack: the same, as a thread under the first message.
    const [incident] = await h.query<{ id: string; messages: Array<{ channel: string; chatId: string; messageId: string }> }>('SELECT id, messages FROM incidents');
    const slackRoot = incident!.messages.find((m) => m.channel === 'slack')!;
    await h.slack!.waitFor(() => h.slack!.callsOf('chat.postMessage').filter((c) => c.payload.thread_ts).length >= 2, 10_000, 'two Slack replies');
    const posts = h.slack!.callsOf('chat.postMessage').filter((c) => /billing/.test(String(c.payload.text)));
    expect(posts.map((c) => c.payload.thread_ts ?? null)).toEqual([null, slackRoot.messageId, slackRoot.messageId]);

    expect(await tapAnswer(h, root, /Ack/)).toBe(`Acknowledged incident #${incident!.id} and its alerts.`);
    expect(await h.query(`SELECT acknowledged_by FROM ai_system_alerts ORDER BY id`)).toEqual([{ acknowledged_by: 'Ada Founder' }, { acknowledged_by: 'Ada Founder' }, { acknowledged_by: 'Ada Founder' }]);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /✔ Acknowledged by Ada Founder at \d\d:\d\d UTC$/.test(c.text ?? '') && /Incident/.test(c.text ?? '')), 10_000, 'the acknowledged incident');
    expect(await tapAnswer(h, root, /Ack/)).toBe('Already acknowledged by Ada Founder.');

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/incidents'));
    const list = await shown(h, /^1 open incident\n/);
    expect(list.text).toMatch(new RegExp(`^1 open incident\\n🔴 #${incident!.id} billing: API 5xx above 2% \\(3/3 firing, for \\d+(ms|s), ✔ Ada Founder\\)$`));
    expect((await h.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE action LIKE 'incident.%' ORDER BY id`))).toEqual([
      { action: 'incident.opened', actor: 'system:aurea' },
      { action: 'incident.alert_added', actor: 'system:aurea' },
      { action: 'incident.alert_added', actor: 'system:aurea' },
      { action: 'incident.acknowledged', actor: `telegram:${FOUNDER.id}` },
    ]);
  });

  it('alerts for one service arriving at the same moment (separate deliveries) → one incident message listing them all', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    const post = (body: Record<string, unknown>) => postAlert(h.app!.httpPort!, TOKEN, body);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => post({ fingerprint: `check-${n}`, title: `Check ${n} failing`, service: 'billing' })));
    expect(answers).toEqual(Array(5).fill({ raised: 1, resolved: 0 }));
    // Every delivery is answered after its alert is shown: the chat holds its final state now.
    const roots = h.telegram.messagesTo(FOUNDER.id).filter((m) => /^🟠 Incident #\d+ · billing/.test(m.text));
    expect(roots).toHaveLength(1);
    const shownNow = [...h.telegram.callsOf('editMessageText').map((c) => c.text ?? ''), roots[0]!.text].filter((t) => /Incident/.test(t));
    expect(shownNow.some((t) => /^🟠 Incident #\d+ · billing\n5 alerts, 5 firing/.test(t))).toBe(true);
    expect(await h.query(`SELECT count(*)::int AS n, count(DISTINCT incident_id)::int AS incidents FROM ai_system_alerts`)).toEqual([{ n: 5, incidents: 1 }]);
    expect(await h.query(`SELECT jsonb_array_length(messages) AS chats FROM incidents`)).toEqual([{ chats: 1 }]);
  });

  it('💤 Snooze on an incident: alerts that join it edit its message but send no reply until the snooze ends', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    const post = (body: Record<string, unknown>) => postAlert(h.app!.httpPort!, TOKEN, body);
    await post({ fingerprint: 'disk', title: 'Disk 90% full', service: 'billing' });
    const root = await shown(h, /^🟠 Incident #\d+ · billing/);
    expect(await tapAnswer(h, root, /Snooze/)).toMatch(/^Snoozed until \d\d:\d\d UTC: new alerts join incident #\d+ without a reply\.$/);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /💤 Snoozed by Ada Founder until \d\d:\d\d UTC: new alerts join without a reply$/.test(c.text ?? '')), 10_000, 'the snoozed incident');
    // The webhook answers after the incident is shown: by then a reply would have been sent.
    expect(await post({ fingerprint: 'cpu', title: 'CPU 95%', service: 'billing' })).toEqual({ raised: 1, resolved: 0 });
    expect(h.telegram.callsOf('editMessageText').some((c) => /^🟠 Incident #\d+ · billing\n2 alerts, 2 firing[\s\S]*CPU 95%[\s\S]*💤 Snoozed by Ada Founder/.test(c.text ?? ''))).toBe(true);
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /Joined/.test(m.text))).toEqual([]);
    expect(await h.query(`SELECT snoozed_by, snoozed_until > now() AS snoozed FROM incidents`)).toEqual([{ snoozed_by: 'Ada Founder', snoozed: true }]);
  });

  it('after the window, an alert for the same service opens a new incident; a closed incident is not reopened', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN }, yaml: 'alerts:\n  incidentWindow: 1ms\n' }));
    await h.start();
    const post = (body: Record<string, unknown>) => postAlert(h.app!.httpPort!, TOKEN, body);
    await post({ fingerprint: 'disk', title: 'Disk 90% full', service: 'billing' });
    await shown(h, /^🟠 Incident #\d+ · billing\n1 alert, 1 firing[\s\S]*Disk 90% full/);
    await post({ fingerprint: 'cpu', title: 'CPU 95%', service: 'billing' });
    await shown(h, /^🟠 Incident #\d+ · billing\n1 alert, 1 firing[\s\S]*CPU 95%/);
    await post({ fingerprint: 'disk', title: 'Disk 90% full', status: 'resolved' });
    await shown(h, /^✅ billing: Disk 90% full resolved after \d+(ms|s)\. All 1 alert resolved: incident closed/);
    await post({ fingerprint: 'disk', title: 'Disk 90% full', service: 'billing' });
    await shown(h, /^🟠 Incident #\d+ · billing\n1 alert, 1 firing[\s\S]*Disk 90% full/, { nth: 2 });
    expect(await h.query(`SELECT count(a.id)::int AS alerts, i.closed_at IS NOT NULL AS closed FROM incidents i JOIN ai_system_alerts a ON a.incident_id = i.id GROUP BY i.id ORDER BY i.id`)).toEqual([
      { alerts: 1, closed: true },
      { alerts: 1, closed: false },
      { alerts: 1, closed: false },
    ]);
  });

  it('🩺 Diagnose on a Sentry incident shows the latest event’s top stack frames, read from Sentry’s API with SENTRY_TOKEN', async () => {
    const sentry = track(await FakeSentryApi.start(SENTRY_TOKEN, ['123']));
    const h = track(
      await Harness.create({
        env: { SENTRY_CLIENT_SECRET: SENTRY_SECRET, SENTRY_TOKEN, SENTRY_API_URL: sentry.url },
        // The Sentry project of the fixture is "ipe": a configured service, so Diagnose applies.
        extraServicesYaml: (s) => `ipe:\n  repo: ./billing\n  test: "true"\n  deploy: "true"\n  health: ${s.healthUrl}`,
      }),
    );
    await h.start();
    const body = readFileSync(join(import.meta.dirname, 'fixtures/sentry/issue-created.json'), 'utf8');
    const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/sentry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sentry-hook-resource': 'issue', 'sentry-hook-signature': createHmac('sha256', SENTRY_SECRET).update(body).digest('hex'), 'request-id': 'diagnose-1' },
      body,
    });
    expect(res.status).toBe(200);
    const incident = await shown(h, /^🔴 Incident #\d+ · ipe\n/);
    expect(incident.buttons.map((b) => b.text)).toEqual(['🩺 Diagnose', '✔ Ack', '💤 Snooze 1h']);
    expect(await tapAnswer(h, incident, /Diagnose/)).toBe('🩺 Diagnosing ipe…');
    const diagnosis = await shown(h, /^🩺 Diagnosis: ipe\n/);
    // The evidence block, indented under the diagnosis (innermost frame first).
    expect(diagnosis.text).toContain(
      [
        '  Sentry latest event: ForbiddenError: GET /organizations/hellboy-meowmeow/users/ 403',
        '    at apply (/usr/src/getsentry/src/sentry/node_modules/reflux-core/lib/PublisherMethods.js:74)',
        '    at ignoreOnError (/usr/src/getsentry/src/sentry/node_modules/@sentry/browser/esm/helpers.js:71)',
      ].join('\n'),
    );
    expect(diagnosis.text).toMatch(/Alert \(sentry, firing\): ipe: Error #1: This is a test error!/);
    expect(sentry.calls).toEqual([{ path: '/api/0/issues/123/events/latest/', authorized: true }]);
  });
});
