/**
 * Fault: a flood of strangers. 1,000 messages from 50 strangers within 10 s while a founder asks
 * for /status: each stranger is refused once (the rest is counted, not answered), every message is
 * counted in audit_log, and the founder is answered. (The founder's latency under the flood is
 * measured by `npm run bench -- flood`, not asserted here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../../src/access.js';
import { FOUNDER, textUpdate, type Person } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';

const STRANGERS: Person[] = Array.from({ length: 50 }, (_, i) => ({ id: 5_000_000 + i, first_name: `Spam${i}` }));

describe(`fault: 1,000 messages from 50 strangers in 10 s (${BACKEND})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.create();
    await h.start();
  });
  afterAll(() => h?.close());

  it('each stranger is refused once, every message is audited, and the founder is answered meanwhile', async () => {
    const started = Date.now();
    let sent = 0;
    let founderAsked = false;
    while (sent < 1_000) {
      // 100 updates every 1 s: 20 strangers' messages every 200 ms.
      for (let i = 0; i < 20; i++, sent++) h.telegram.pushUpdate(textUpdate(STRANGERS[sent % 50]!, `buy now ${sent}`));
      if (!founderAsked && sent >= 500) {
        h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
        founderAsked = true;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, started + (sent / 100) * 1000 - Date.now())));
    }
    const status = await h.telegram.nthMessage(FOUNDER.id, 1, 20_000);
    expect(status).toMatch(/🟢 billing: up/);

    const counted = async () =>
      Number((await h.query(`SELECT coalesce(sum(coalesce((details->>'count')::int, 1)), 0) AS n FROM audit_log WHERE action = 'access.refused'`))[0]!.n);
    await h.until(async () => (await counted()) === 1_000, 20_000, 'all 1,000 refused messages counted in audit_log');
    for (const s of STRANGERS) expect(h.telegram.messagesTo(s.id).map((m) => m.text)).toEqual([REFUSAL_TEXT]);
    const firsts = await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'access.refused' AND details->>'count' IS NULL`);
    expect(firsts[0]!.n).toBe(50);
  });

  it('the refusal window is shared through Redis: a restarted AUREA does not refuse the same chat again', async () => {
    await h.stop();
    await h.start();
    h.telegram.pushUpdate(textUpdate(STRANGERS[0]!, 'hello again'));
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/help'));
    await h.telegram.nthMessage(FOUNDER.id, 2, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.telegram.messagesTo(STRANGERS[0]!.id)).toHaveLength(1);
  });
});
