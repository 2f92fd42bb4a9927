/**
 * Fault: Postgres restarted under load (server backend). The pool reconnects; every update that
 * arrived meanwhile is answered, none twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FOUNDER, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';
import { PostgresServer } from '../helpers/postgres-server.js';

// Runs in the postgres project only (vitest.config.ts): the embedded database has no server to restart.
describe(`fault: Postgres restarted under load (${BACKEND})`, () => {
  let h: Harness;
  let server: PostgresServer;
  afterAll(async () => {
    await h?.close();
    server?.drop();
  });

  it('100 updates at 20/s with a restart in the middle: each answered exactly once', async () => {
    server = await PostgresServer.create();
    // 25 founder chats, so that Telegram's ~1 message/s per chat does not pace the answers.
    const chats = Array.from({ length: 25 }, (_, i) => FOUNDER.id + i);
    h = await Harness.create({ founders: chats, env: { DATABASE_URL: server.url } });
    await h.start();
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < 100; i++) {
      h.telegram.pushUpdate(textUpdate({ ...FOUNDER, id: chats[i % 25]! }, '/help', 800_000 + i));
      if (i === 30) restarted = server.restart(); // the updates keep coming while it restarts
      await new Promise((r) => setTimeout(r, 50));
    }
    await restarted;
    const answered = () => h.telegram.callsOf('sendMessage').length;
    await h.until(() => answered() >= 100, 60_000, '100 answers');
    await new Promise((r) => setTimeout(r, 2_000));
    for (const chat of chats) expect(h.telegram.messagesTo(chat).map((m) => m.text.split('\n')[0])).toEqual(Array(4).fill(expect.stringMatching(/^Commands/)));
    const claimed = await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM processed_updates WHERE platform = 'telegram'`);
    expect(claimed[0]!.n).toBe(100);
  }, 120_000);
});
