/**
 * Fault: the Telegram Bot API unreachable (connection refused, then 502 Bad Gateway) while alerts
 * are raised. They stay in the outbox (ai_system_alerts) and reach the founder afterwards, once
 * each, in the order they were raised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDER } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';

describe(`fault: Telegram unreachable while alerts are raised (${BACKEND})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.create({ yaml: 'alerts:\n  retryInterval: 1s\n' });
    await h.start();
    await h.telegram.waitFor((c) => c.method === 'deleteWebhook');
  });
  afterAll(() => h?.close());

  // grammY's auto-retry keeps retrying a refused connection with a doubling backoff (3 s, 6 s, …);
  // a few seconds of each failure are enough to put every alert behind it.
  it('connection refused for 5 s, then 502 for 3 s: three alerts arrive afterwards, once each, in order', async () => {
    const alerts = h.app!.core.alerts;
    const raise = (n: number) => void alerts.raise({ severity: 'warning', source: 'test:outage', message: `alert ${n} of 3` });

    await h.telegram.goAway();
    raise(1);
    await new Promise((r) => setTimeout(r, 1_000));
    raise(2);
    await new Promise((r) => setTimeout(r, 4_000));
    h.telegram.badGateway = true;
    await h.telegram.comeBack();
    raise(3);
    await new Promise((r) => setTimeout(r, 3_000));
    const stored = await h.query(`SELECT message, delivered_at FROM ai_system_alerts ORDER BY id`);
    expect(stored.map((a) => [a.message, a.delivered_at])).toEqual([
      ['alert 1 of 3', null],
      ['alert 2 of 3', null],
      ['alert 3 of 3', null],
    ]);
    h.telegram.badGateway = false;

    await h.telegram.nthMessage(FOUNDER.id, 3, 90_000);
    // The run's end: every alert marked delivered (after its send); only then is "nothing else" meaningful.
    const delivered = await h.until(() => h.query(`SELECT message FROM ai_system_alerts WHERE delivered_at IS NOT NULL ORDER BY delivered_at, id`).then((r) => r.length === 3 && r), 30_000, 'all three delivered');
    expect(h.telegram.messagesTo(FOUNDER.id).map((m) => m.text)).toEqual(['🟠 alert 1 of 3', '🟠 alert 2 of 3', '🟠 alert 3 of 3']);
    expect(delivered.map((a) => a.message)).toEqual(['alert 1 of 3', 'alert 2 of 3', 'alert 3 of 3']);
  }, 180_000);
});
