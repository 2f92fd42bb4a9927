/**
 * Alerts from the founder's own monitoring: a real Prometheus Alertmanager (Debian's package) sends
 * its webhook payloads (version 4, built by Alertmanager itself) to AUREA; and the generic JSON alert.
 * What the founder sees in Telegram, and what is stored.
 */
import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FOUNDER } from './fixtures/telegram-updates.js';
import { Alertmanager } from './helpers/alertmanager.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown } from './helpers/chat.js';
import { Harness } from './helpers/harness.js';

const TOKEN = 'alerts-token-0123456789abcdef';

describe(`inbound alert sources (${BACKEND})`, () => {
  const track = closedAfterEach();

  it('Alertmanager: a group of two firing alerts → two alerts (Diagnose for a known service), re-sent → nothing more; resolved → the message says so and how long it lasted', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    // Alertmanager reaches AUREA through a counting proxy, so the test can wait for its repeat.
    let deliveries = 0;
    const proxy = createServer((req, res) => {
      deliveries++;
      const upstream = request({ host: '127.0.0.1', port: h.app!.httpPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    track({ close: () => new Promise((r) => proxy.close(r)) });
    const am = track(await Alertmanager.start(`http://127.0.0.1:${(proxy.address() as { port: number }).port}/webhooks/alertmanager`, TOKEN));
    await am.post([
      { labels: { alertname: 'HighErrorRate', service: 'billing', severity: 'critical' }, annotations: { summary: '5% of requests fail', runbook_url: 'https://runbooks.example/errors' } },
      { labels: { alertname: 'SlowRequests', service: 'billing', severity: 'warning' }, annotations: { summary: 'p95 over 2s' } },
    ]);
    const errors = await shown(h, /^🔴 billing: HighErrorRate — 5% of requests fail/);
    expect(errors.text).toContain('\nhttp://prometheus.example/graph?g0.expr=up\nhttps://runbooks.example/errors');
    expect(errors.buttons.map((b) => b.text)).toEqual(['🩺 Diagnose', '✔ Ack', '💤 Snooze 1h']);
    await shown(h, /^🟠 billing: SlowRequests — p95 over 2s/);
    // Alertmanager sends the group again (repeat_interval 2s): still one alert each.
    const sent = deliveries;
    await h.until(async () => deliveries > sent, 15_000, 'a repeated notification');
    await h.settled();
    expect(await h.query(`SELECT source, severity, dedupe_key LIKE 'alertmanager:%' AS keyed, details->>'service' AS service FROM ai_system_alerts ORDER BY id`)).toEqual([
      { source: 'alertmanager', severity: 'critical', keyed: true, service: 'billing' },
      { source: 'alertmanager', severity: 'warning', keyed: true, service: 'billing' },
    ]);

    await am.post([{ labels: { alertname: 'HighErrorRate', service: 'billing', severity: 'critical' }, annotations: { summary: '5% of requests fail' }, resolved: true }]);
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^🔴 billing: HighErrorRate[\s\S]*✅ Resolved at \d\d:\d\d UTC after \d+s$/.test(c.text ?? '')), 20_000, 'the resolved edit');
    const [row] = await h.query<{ resolved: boolean }>(`SELECT resolved_at IS NOT NULL AS resolved FROM ai_system_alerts WHERE message LIKE 'billing: HighErrorRate%'`);
    expect(row).toEqual({ resolved: true });
  });

  it('refuses a wrong token (401) and a malformed payload (400 naming the field), storing nothing; the generic alert fires and resolves', async () => {
    const h = track(await Harness.create({ env: { ALERTS_TOKEN: TOKEN } }));
    await h.start();
    const post = (path: string, body: unknown, token = TOKEN) =>
      fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await post('/webhooks/alertmanager', { version: '4', status: 'firing', alerts: [] }, 'not-the-token-000000000')).status).toBe(401);
    expect(await post('/webhooks/alertmanager', { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-12-06T10:00:00Z' }] })).toEqual({ status: 400, body: { error: 'alerts.0.fingerprint: Invalid input: expected string, received undefined' } });
    expect(await post('/webhooks/alertmanager', { version: '3', status: 'firing', alerts: [] })).toEqual({ status: 400, body: { error: 'version: expected "4" (Alertmanager webhook payload version 4)' } });
    expect(await h.query('SELECT count(*)::int AS n FROM ai_system_alerts')).toEqual([{ n: 0 }]);

    const fired = await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down', severity: 'critical', service: 'www', description: 'HTTP 502 from 3 regions', url: 'https://status.example.com/checks/1' });
    expect(fired).toEqual({ status: 200, body: { raised: 1, resolved: 0 } });
    const alert = await shown(h, /^🔴 www: Homepage down — HTTP 502 from 3 regions\nhttps:\/\/status\.example\.com\/checks\/1$/);
    // An unknown service still alerts, without Diagnose.
    expect(alert.buttons.map((b) => b.text)).toEqual(['✔ Ack', '💤 Snooze 1h']);
    expect(await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down' })).toEqual({ status: 200, body: { raised: 0, resolved: 0 } });
    expect(await post('/webhooks/alert', { fingerprint: 'uptime-home', title: 'Homepage down', status: 'resolved' })).toEqual({ status: 200, body: { raised: 0, resolved: 1 } });
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => /^🔴 www: Homepage down[\s\S]*✅ Resolved at/.test(c.text ?? '')), 10_000, 'the resolved edit');
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /Homepage down/.test(m.text))).toHaveLength(1);
  });
});
