/**
 * Alerts people can act on: a warning or critical alert carries ✔ Ack and 💤 Snooze 1h. Ack records
 * who (first tap wins) and edits the message; Snooze holds the same alert back for an hour (stored,
 * not sent) and says so on the message. Both are audited. A burst of alerts goes out grouped within
 * Telegram's limits; quiet hours hold non-critical alerts and deliver them as one summary after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuietHours } from '../src/alerts/quiet.js';
import { AlertService } from '../src/alerts/service.js';
import { Broadcaster } from '../src/channels/broadcast.js';
import type { OutboundMessage } from '../src/channels/port.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { TELEGRAM_LIMITS } from './fakes/telegram-api.js';
import { FOUNDER, callbackUpdate } from './fixtures/telegram-updates.js';
import { openTestDatabase } from './helpers/backend.js';
import { Harness } from './helpers/harness.js';

describe('✔ Ack and 💤 Snooze 1h on alerts', () => {
  let h: Harness;
  const down = () => h.telegram.messagesTo(FOUNDER.id).filter((m) => m.text === '🔴 billing is DOWN: HTTP 503');
  const edits = () => h.telegram.callsOf('editMessageText').map((c) => ({ id: c.payload.message_id as number, text: c.text!, buttons: (c.payload.reply_markup?.inline_keyboard ?? []).flat().map((b: any) => b.text) }));
  const answers = () => h.telegram.callsOf('answerCallbackQuery').map((c) => c.payload.text as string);
  /** Takes billing down until its alert (the n-th) arrives, then up again until it is resolved. */
  const outage = async (n: number) => {
    h.service.healthy = false;
    await h.telegram.waitFor(() => down().length >= n, 20_000, `down alert #${n}`);
  };
  const recover = async () => {
    h.service.healthy = true;
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_system_alerts WHERE dedupe_key = 'service-down:billing' AND resolved_at IS NULL`)).length === 0, 20_000, 'resolved');
  };

  beforeAll(async () => {
    h = await Harness.create({ monitorEvery: '300ms' });
    await h.start();
  });
  afterAll(() => h?.close());

  it('✔ Ack: the first tap records who, the message shows it and keeps only its own buttons; a second tap is told', async () => {
    await outage(1);
    const alert = down()[0]!;
    expect(alert.buttons.map((b) => b.text)).toEqual(['🩺 Diagnose', '✔ Ack', '💤 Snooze 1h']);
    const ack = alert.buttons.find((b) => b.text === '✔ Ack')!.callback_data;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, ack, alert));
    await h.telegram.waitFor(() => answers().includes('Acknowledged.') && edits().some((e) => e.id === alert.message_id), 10_000, 'the ack answer and edit');
    const edited = edits().find((e) => e.id === alert.message_id)!;
    expect(edited.text).toMatch(/^🔴 billing is DOWN: HTTP 503\n\n✔ Acknowledged by Ada Founder at \d\d:\d\d UTC$/);
    expect(edited.buttons).toEqual(['🩺 Diagnose']);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, ack, alert));
    await h.telegram.waitFor(() => answers().includes('Already acknowledged by Ada Founder.'), 10_000, 'the second answer');
    expect(await h.query(`SELECT acknowledged_by FROM ai_system_alerts WHERE id = $1`, [ack.split(':')[1]])).toEqual([{ acknowledged_by: 'Ada Founder' }]);
    await recover();
  });

  it('💤 Snooze 1h: the next outage of the same service is stored but not sent; the message says until when', async () => {
    await outage(2);
    const alert = down()[1]!;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, alert.buttons.find((b) => b.text === '💤 Snooze 1h')!.callback_data, alert));
    await h.telegram.waitFor(() => answers().some((a) => /^Snoozed until \d\d:\d\d UTC: the same alert is held back until then\.$/.test(a)) && edits().some((e) => e.id === alert.message_id), 10_000, 'the snooze answer and edit');
    const edited = edits().find((e) => e.id === alert.message_id)!;
    expect(edited.text).toMatch(/\n\n💤 Snoozed by Ada Founder until \d\d:\d\d UTC: the same alert is held back until then$/);
    expect(edited.buttons).toEqual(['🩺 Diagnose']);
    await recover();

    h.service.healthy = false;
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_system_alerts WHERE dedupe_key = 'service-down:billing' AND held = 'snoozed'`)).length === 1, 20_000, 'the held alert');
    await h.settled();
    expect(down()).toHaveLength(2);
    h.service.healthy = true;
    // The founder's answers (the monitor's alert.raised / alert.resolved rows are the alerts' own).
    const audited = await h.query<{ action: string }>(`SELECT action FROM audit_log WHERE action IN ('alert.acknowledged', 'alert.snoozed') ORDER BY id`);
    expect(audited.map((a) => a.action)).toEqual(['alert.acknowledged', 'alert.snoozed']);
  });
});

describe('alert bursts and retry_after (Telegram limits)', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('50 alerts to one chat in 1 s → a few grouped messages within the limits, each alert exactly once; a 429 is waited out', async () => {
    h = await Harness.create({ rateLimits: TELEGRAM_LIMITS });
    await h.start();
    h.telegram.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const raised = Array.from({ length: 50 }, (_, i) => h.app!.core.alerts.raise({ severity: 'warning', source: 'test', message: `disk ${String(i).padStart(2, '0')} at 91%` }));
    await Promise.all(raised);
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_system_alerts WHERE delivered_at IS NULL`)).length === 0, 30_000, 'all delivered');
    const texts = h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
    const lines = texts.flatMap((t) => t.split('\n')).filter((l) => /^🟠 disk \d\d at 91%$/.test(l));
    expect(lines.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `🟠 disk ${String(i).padStart(2, '0')} at 91%`));
    expect(texts.length).toBeLessThanOrEqual(6);
    expect(texts.some((t) => /^🚨 \d+ alerts in \d+s\n/.test(t))).toBe(true);
    expect(h.telegram.callsOf('sendMessage').every((c) => c.text!.length <= 4096)).toBe(true);
    expect(h.telegram.calls.filter((c) => c.method === 'sendMessage' && !c.ok).length).toBeGreaterThanOrEqual(1); // the injected 429, retried
  });
});

describe('quiet hours', () => {
  it('hold a warning and let a critical through; afterwards the held ones arrive as one summary', async () => {
    const { db, close } = await openTestDatabase();
    try {
      await migrate(db.pool);
      const sent: OutboundMessage[] = [];
      const broadcaster = new Broadcaster(createLogger('silent', []));
      broadcaster.add({
        name: 'test',
        founderChats: () => ['founder'],
        send: async (chatId, m) => (sent.push(m), { channel: 'test', chatId, messageId: String(sent.length) }),
        sendDocument: async () => ({ channel: 'test', chatId: 'founder', messageId: '0' }),
        sendPhoto: async () => ({ channel: 'test', chatId: 'founder', messageId: '0' }),
        edit: async () => undefined,
      });
      let now = new Date('2026-12-02T22:30:00Z'); // 23:30 in Paris: inside 22:00-07:00
      const alerts = new AlertService(db.pool, broadcaster, createMetrics(), createLogger('silent', []), { quietHours: parseQuietHours('22:00-07:00', 'Europe/Paris'), now: () => now });
      await alerts.raise({ severity: 'warning', source: 'test', message: 'disk at 91%' });
      await alerts.raise({ severity: 'info', source: 'test', message: 'nightly backup done' });
      expect(sent).toEqual([]);
      await alerts.raise({ severity: 'critical', source: 'test', message: 'billing is DOWN' });
      expect(sent.map((m) => m.text)).toEqual(['🔴 billing is DOWN']);
      const held = await db.pool.query(`SELECT message FROM ai_system_alerts WHERE held = 'quiet' AND delivered_at IS NULL ORDER BY id`);
      expect(held.rows.map((r) => r.message)).toEqual(['disk at 91%', 'nightly backup done']);

      now = new Date('2026-12-03T06:05:00Z'); // 07:05 in Paris
      expect(await alerts.deliverPending()).toBe(2);
      expect(sent.slice(1)).toEqual([{ title: '🌙 While quiet hours lasted (22:00-07:00 Europe/Paris), 2 alerts waited', text: '🟠 disk at 91%\n🟢 nightly backup done' }]);
      expect(await alerts.deliverPending()).toBe(0);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM ai_system_alerts WHERE delivered_at IS NULL`)).rows[0].n).toBe(0);
    } finally {
      await close();
    }
  });
});
