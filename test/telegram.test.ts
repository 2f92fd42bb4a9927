import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../src/access.js';
import { FOUNDER, STRANGER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { Harness } from './helpers/harness.js';

describe('Telegram: founders talk to AUREA', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.create();
    await h.start();
  });
  afterAll(() => h?.close());

  it('registers its commands with setMyCommands on start', async () => {
    const call = await h.telegram.waitFor((c) => c.method === 'setMyCommands');
    expect(call.payload.commands.map((c: { command: string }) => c.command)).toEqual(['start', 'help', 'status', 'agents', 'incidents', 'deploy', 'task', 'tasks', 'cancel', 'rollback', 'refund', 'run', 'pause', 'resume', 'schedule', 'retry', 'remember', 'recall', 'forget', 'budget', 'founders', 'mcp', 'unpair']);
  });

  it("answers a founder's /status with one reply naming each service and its state", async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
    const text = await h.telegram.nthMessage(FOUNDER.id, before + 1);
    expect(text).toMatch(/🟢 billing: up \(\d+ ms\)/);
    expect(text).toMatch(BACKEND === 'embedded' ? /🟢 database: embedded/ : /🟢 database: postgres/);
    expect(text).toMatch(/🟢 redis: up/);
    expect(text).toMatch(/queue agents: \d+ waiting/);

    h.service.healthy = false;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
    const down = await h.telegram.nthMessage(FOUNDER.id, before + 2);
    expect(down).toMatch(/🔴 billing: down, HTTP 503/);
    h.service.healthy = true;
    await h.settled();
    expect(h.telegram.messagesTo(FOUNDER.id)).toHaveLength(before + 2);
  });

  it('refuses a non-founder with one short reply that reveals nothing, and audits it', async () => {
    h.telegram.pushUpdate(textUpdate(STRANGER, '/status'));
    const text = await h.telegram.nthMessage(STRANGER.id, 1);
    expect(text).toBe(REFUSAL_TEXT);
    const rows = await h.until(() => h.query(`SELECT * FROM audit_log WHERE action = 'access.refused' AND actor = $1`, [`telegram:${STRANGER.id}`]).then((r) => r.length && r));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toMatchObject({ attempted: '/status', name: 'Eve' });
    await h.settled();
    expect(h.telegram.messagesTo(STRANGER.id)).toHaveLength(1);
  });

  it('handles an update delivered twice only once', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    const update = textUpdate(FOUNDER, '/help', 990_001);
    h.telegram.pushUpdate(update);
    await h.telegram.nthMessage(FOUNDER.id, before + 1);
    h.telegram.redeliver({ ...structuredClone(update), update_id: 990_001 }); // Telegram hands out the same update_id again
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/start')); // a marker that comes after it
    const marker = await h.telegram.nthMessage(FOUNDER.id, before + 2);
    expect(marker).toMatch(/I'm AUREA/);
    const texts = h.telegram.messagesTo(FOUNDER.id).slice(before).map((m) => m.text);
    expect(texts.filter((t) => t.startsWith('Commands'))).toHaveLength(1);
    const claimed = await h.query(`SELECT * FROM processed_updates WHERE platform = 'telegram' AND update_id = '990001'`);
    expect(claimed).toHaveLength(1);
  });

  it('answers unknown commands and bad arguments with what was expected, running nothing', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/frobnicate'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 1)).toBe("I don't know /frobnicate. Send /help to see what I can do.");
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 2)).toMatch(/^Usage: \/deploy <service>\nname the service to deploy/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy nosuch'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 3)).toBe('There is no service "nosuch". Configured: billing.');
    expect(h.repo.deploys).toEqual([]);
  });

  it('delivers a reply after the Bot API answers 429 with retry_after, losing nothing', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    const firstCall = h.telegram.calls.length;
    h.telegram.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/help'));
    const text = await h.telegram.nthMessage(FOUNDER.id, before + 1);
    expect(text).toMatch(/^Commands/);
    const attempts = h.telegram.calls.slice(firstCall).filter((c) => c.method === 'sendMessage' && c.text! === text);
    expect(attempts.map((c) => c.response.ok)).toEqual([false, true]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('lists scheduled agents with their schedule and next run', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/agents'));
    const text = await h.telegram.nthMessage(FOUNDER.id, before + 1);
    expect(text).toMatch(/system-monitor \(every 1h\)/);
    expect(text).toMatch(/next: in (59m|1h)/);
  });
});
