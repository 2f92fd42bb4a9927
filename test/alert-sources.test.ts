/**
 * Alerts from the founder's own monitoring: a real Prometheus Alertmanager (Debian's package) sends
 * its webhook payloads (version 4, built by Alertmanager itself) to AUREA; and the generic JSON alert.
 * What the founder sees in Telegram, and what is stored.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOUNDER } from './fixtures/telegram-updates.js';
import { Alertmanager } from './helpers/alertmanager.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown } from './helpers/chat.js';
import { Harness } from './helpers/harness.js';
import { startProxy } from './helpers/proxy.js';

const TOKEN = 'alerts-token-0123456789abcdef';
const SENTRY_SECRET = 'sentry-client-secret-0123456789abcdef';
/** Sentry's own webhook bodies (test/fixtures/sentry/README.md says where they come from). */
const sentry = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/sentry', `${name}.json`), 'utf8');

describe(`inbound alert sources (${BACKEND})`, () => {
  const track = closedAfterEach();

  it('Alertmanager: a group of two firing alerts → one incident (Diagnose for a known service), re-sent → nothing more; each resolution edits it and answers in its thread; all resolved → closed', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    // Alertmanager reaches AUREA through a counting proxy, so the test can wait for its repeat.
    const proxy = track(await startProxy(h.app!.httpPort!));
    const am = track(await Alertmanager.start(`http://127.0.0.1:${proxy.port}/webhooks/alertmanager`, TOKEN));
    await am.post([
      { labels: { alertname: 'HighErrorRate', service: 'billing', severity: 'critical' }, annotations: { summary: '5% of requests fail', runbook_url: 'https://runbooks.example/errors' } },
      { labels: { alertname: 'SlowRequests', service: 'billing', severity: 'warning' }, annotations: { summary: 'p95 over 2s' } },
    ]);
    const incident = await shown(h, /^🔴 Incident #\d+ · billing\n2 alerts, 2 firing, since \d\d:\d\d UTC\n/);
    expect(incident.text).toMatch(/\n🔴 billing: HighErrorRate — 5% of requests fail\n🟠 billing: SlowRequests — p95 over 2s\nhttp:\/\/prometheus\.example\/graph\?g0\.expr=up\nhttps:\/\/runbooks\.example\/errors$/);
    expect(incident.buttons.map((b) => b.text)).toEqual(['🩺 Diagnose', '✔ Ack', '💤 Snooze 1h']);
    // Alertmanager sends the group again (repeat_interval 2s): still one incident of two alerts.
    const sent = proxy.requests;
    await h.until(async () => proxy.requests > sent, 15_000, 'a repeated notification');
    await h.settled();
    expect(await h.query(`SELECT source, severity, dedupe_key LIKE 'alertmanager:%' AS keyed, details->>'service' AS service, incident_id IS NOT NULL AS in_incident, held FROM ai_system_alerts ORDER BY id`)).toEqual([
      { source: 'alertmanager', severity: 'critical', keyed: true, service: 'billing', in_incident: true, held: 'incident' },
      { source: 'alertmanager', severity: 'warning', keyed: true, service: 'billing', in_incident: true, held: 'incident' },
    ]);
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /Incident|billing:/.test(m.text))).toHaveLength(1);

    await am.post([{ labels: { alertname: 'HighErrorRate', service: 'billing', severity: 'critical' }, annotations: { summary: '5% of requests fail' }, resolved: true }]);
    const partly = await shown(h, /^✅ billing: HighErrorRate — 5% of requests fail resolved after \d+s; 1 still firing\.$/, { timeoutMs: 20_000 });
    const replyTo = (text: RegExp) => h.telegram.callsOf('sendMessage', FOUNDER.id).find((c) => text.test(c.text ?? ''))?.payload.reply_parameters?.message_id;
    expect(replyTo(/1 still firing/)).toBe(incident.message_id);
    expect(partly.buttons).toEqual([]);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^🟠 Incident #\d+ · billing\n2 alerts, 1 firing[\s\S]*\n✅ billing: HighErrorRate — 5% of requests fail \(resolved after \d+s\)\n🟠 billing: SlowRequests/.test(c.text ?? '')), 10_000, 'the incident edited');

    await am.post([{ labels: { alertname: 'SlowRequests', service: 'billing', severity: 'warning' }, annotations: { summary: 'p95 over 2s' }, resolved: true }]);
    await shown(h, /^✅ billing: SlowRequests — p95 over 2s resolved after \d+s\. All 2 alerts resolved: incident closed after \d+s\.$/, { timeoutMs: 20_000 });
    expect(replyTo(/incident closed/)).toBe(incident.message_id);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^✅ Incident #\d+ · billing[\s\S]*✅ Closed at \d\d:\d\d UTC after \d+s$/.test(c.text ?? '') && !c.payload.reply_markup?.inline_keyboard?.length), 10_000, 'the closed incident');
    expect(await h.query(`SELECT service, closed_at IS NOT NULL AS closed FROM incidents`)).toEqual([{ service: 'billing', closed: true }]);
    expect((await h.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'incident.%' OR action LIKE 'alert.%' ORDER BY id`)).map((r) => r.action)).toEqual([
      'alert.raised', 'alert.raised', 'incident.opened', 'incident.alert_added', 'alert.resolved', 'incident.alert_resolved', 'alert.resolved', 'incident.closed',
    ]);
  });

  it('Grafana: the documented webhook contact-point body (version "1") → one incident of its two alerts, the service from the configured label', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN }, yaml: 'alerts:\n  sources:\n    alertmanager:\n      serviceLabel: team\n' }));
    await h.start();
    const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: readFileSync(join(import.meta.dirname, 'fixtures/grafana/webhook-firing.json')) });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { raised: 2, resolved: 0 } });
    const incident = await shown(h, /^🟠 Incident #\d+ · blue\n2 alerts, 2 firing/);
    expect(incident.text.split('\n').slice(2)).toEqual([
      '🟠 blue: High memory usage — This alert was triggered for zone us-1',
      '🟠 blue: High CPU usage — This alert was triggered for zone eu-1',
      'https://play.grafana.org/alerting/1afz29v7z/edit',
      'https://myrunbook.com/runbook/1234',
      'https://play.grafana.org/alerting/d1rdpdv7k/edit',
    ]);
    // "blue" is no configured service: no Diagnose.
    expect(incident.buttons.map((b) => b.text)).toEqual(['✔ Ack', '💤 Snooze 1h']);
    expect(await h.query(`SELECT details->>'fingerprint' AS fingerprint FROM ai_system_alerts ORDER BY id`)).toEqual([{ fingerprint: 'c6eadffa33fcdf37' }, { fingerprint: 'bc97ff14869b13e3' }]);
  });

  it('refuses a wrong token (401) and a malformed payload (400 naming the field), storing nothing; the generic alert fires and resolves', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    const post = (path: string, body: unknown, token = TOKEN) =>
      fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await post('/webhooks/alertmanager', { version: '4', status: 'firing', alerts: [] }, 'not-the-token-000000000')).status).toBe(401);
    expect(await post('/webhooks/alertmanager', { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-12-06T10:00:00Z' }] })).toEqual({ status: 400, body: { error: 'alerts.0.fingerprint: Invalid input: expected string, received undefined' } });
    expect(await post('/webhooks/alertmanager', { version: '3', status: 'firing', alerts: [] })).toEqual({ status: 400, body: { error: 'version: expected "4" (Alertmanager webhook payload version 4) or "1" (Grafana\'s webhook contact point)' } });
    expect(await h.query('SELECT count(*)::int AS n FROM ai_system_alerts')).toEqual([{ n: 0 }]);

    const fired = await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down', severity: 'critical', service: 'www', description: 'HTTP 502 from 3 regions', url: 'https://status.example.com/checks/1' });
    expect(fired).toEqual({ status: 200, body: { raised: 1, resolved: 0 } });
    const alert = await shown(h, /^🔴 Incident #\d+ · www\n1 alert, 1 firing, since \d\d:\d\d UTC\n🔴 www: Homepage down — HTTP 502 from 3 regions\nhttps:\/\/status\.example\.com\/checks\/1$/);
    // An unknown service still alerts, without Diagnose.
    expect(alert.buttons.map((b) => b.text)).toEqual(['✔ Ack', '💤 Snooze 1h']);
    expect(await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down' })).toEqual({ status: 200, body: { raised: 0, resolved: 0 } });
    expect(await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down', status: 'resolved' })).toEqual({ status: 200, body: { raised: 0, resolved: 1 } });
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^✅ Incident #\d+ · www[\s\S]*✅ Closed at/.test(c.text ?? '')), 10_000, 'the closed edit');
    // The incident message, and its closing reply: nothing else.
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /Homepage down/.test(m.text)).map((m) => m.text.split('\n')[0])).toEqual([expect.stringMatching(/^🔴 Incident #\d+ · www$/), expect.stringMatching(/^✅ www: Homepage down — HTTP 502 from 3 regions resolved after \d+(ms|s)\. All 1 alert resolved: incident closed/)]);
  });

  it('Sentry: signed issue, event-alert and metric-alert webhooks become alerts once (by Request-ID and by issue), resolutions edit them; a bad signature → 401 and a malformed body → 400, nothing stored', async () => {
    const h = track(await Harness.create({ env: { SENTRY_CLIENT_SECRET: SENTRY_SECRET } }));
    await h.start();
    let requests = 0;
    const send = async (resource: string, body: string, opts: { secret?: string; requestId?: string } = {}) => {
      const signature = createHmac('sha256', opts.secret ?? SENTRY_SECRET).update(body).digest('hex');
      const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/sentry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sentry-hook-resource': resource, 'sentry-hook-signature': signature, 'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)), 'request-id': opts.requestId ?? `b2f1c0de-0000-4000-8000-${String(++requests).padStart(12, '0')}` },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    expect((await send('issue', sentry('issue-created'), { secret: 'not-the-secret-00000000000' })).status).toBe(401);
    expect(await send('issue', JSON.stringify({ action: 'created', data: { issue: { id: '1' } } }))).toEqual({ status: 400, body: { error: 'data.issue.title: Invalid input: expected string, received undefined' } });
    expect(await h.query('SELECT count(*)::int AS n FROM ai_system_alerts')).toEqual([{ n: 0 }]);

    const created = await send('issue', sentry('issue-created'), { requestId: 'sentry-request-1' });
    expect(created).toEqual({ status: 200, body: { raised: 1, resolved: 0 } });
    const alert = await shown(h, /^🔴 Incident #\d+ · ipe\n1 alert, 1 firing, since \d\d:\d\d UTC\n🔴 ipe: Error #1: This is a test error! — SentryCustomError\(frontend\/src\/util\)$/);
    expect(alert.buttons.map((b) => b.text)).toEqual(['✔ Ack', '💤 Snooze 1h']);
    expect(await send('issue', sentry('issue-created'), { requestId: 'sentry-request-1' })).toEqual({ status: 200, body: { received: true, duplicate: true } });
    // The alert rule firing on an event of the same issue adds nothing while it is open.
    expect(await send('event_alert', sentry('event-alert-triggered'))).toEqual({ status: 200, body: { raised: 0, resolved: 0 } });
    expect(await send('issue', sentry('issue-resolved'))).toEqual({ status: 200, body: { raised: 0, resolved: 1 } });
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^✅ Incident #\d+ · ipe[\s\S]*✅ ipe: Error #1[\s\S]*✅ Closed at/.test(c.text ?? '')), 10_000, 'the resolved edit');

    expect(await send('metric_alert', sentry('metric-alert-critical'))).toEqual({ status: 200, body: { raised: 1, resolved: 0 } });
    await shown(h, /^🔴 Incident #\d+\n1 alert, 1 firing, since \d\d:\d\d UTC\n🔴 metric alert — 5 events in the last 10 minutes(\n|$)/);
    expect(await send('metric_alert', sentry('metric-alert-resolved'))).toEqual({ status: 200, body: { raised: 0, resolved: 1 } });
    expect(await h.query(`SELECT dedupe_key, resolved_at IS NOT NULL AS resolved FROM ai_system_alerts ORDER BY id`)).toEqual([
      { dedupe_key: 'sentry:issue:123', resolved: true },
      { dedupe_key: 'sentry:metric:789', resolved: true },
    ]);
  });
});
