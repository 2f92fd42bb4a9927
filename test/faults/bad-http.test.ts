/**
 * Fault: bad requests on the webhook routes. Malformed JSON, a 2 MB body and a wrong content type
 * on POST /telegram/webhook and POST /slack/events get a 4xx at once and change nothing; the next
 * good request is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_FOUNDER, directMessageEventBody, postSigned } from '../fixtures/slack-requests.js';
import { FOUNDER, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness, SLACK_SIGNING_SECRET } from '../helpers/harness.js';

const SECRET = 'webhook_secret_0123456789';
const TWO_MB = `{"update_id": 1, "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`;

describe(`fault: malformed, oversized and mistyped webhook requests (${BACKEND})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.create({ slack: true, env: { TELEGRAM_WEBHOOK_URL: 'https://aurea.example.com/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: SECRET } });
    await h.start();
  });
  afterAll(() => h?.close());

  const nothingChanged = async () => {
    expect(await h.query(`SELECT * FROM processed_updates`)).toEqual([]);
    // Nothing audited but the scheduled agents' own runs (agent.run.*).
    expect(await h.query(`SELECT * FROM audit_log WHERE action NOT LIKE 'agent.run.%'`)).toEqual([]);
    expect(h.telegram.callsOf('sendMessage')).toEqual([]);
    expect(h.slack!.callsOf('chat.postMessage')).toEqual([]);
  };

  it('POST /telegram/webhook: malformed JSON → 400, 2 MB → 413, text/plain → 415; then a good update is served', async () => {
    const url = `http://127.0.0.1:${h.app!.httpPort}/telegram/webhook`;
    const post = (body: string, type = 'application/json') =>
      fetch(url, { method: 'POST', headers: { 'content-type': type, 'x-telegram-bot-api-secret-token': SECRET }, body });
    expect((await post('{"update_id": 5, "message": {')).status).toBe(400);
    expect((await post(TWO_MB)).status).toBe(413);
    expect((await post(JSON.stringify(textUpdate(FOUNDER, '/status', 7101)), 'text/plain')).status).toBe(415);
    await nothingChanged();

    expect((await post(JSON.stringify(textUpdate(FOUNDER, '/status', 7102)))).status).toBe(200);
    expect(await h.telegram.nthMessage(FOUNDER.id, 1)).toMatch(/^AUREA status/);
  });

  it('POST /slack/events (signed): malformed JSON → 400, 2 MB → 413, text/plain → 415; then a good event is served', async () => {
    const url = h.slackEventsUrl;
    const signed = (body: string, type: string) => postSigned(url, body, type, SLACK_SIGNING_SECRET);
    const before = await h.query(`SELECT count(*)::int AS n FROM processed_updates`);
    expect((await signed('{"type": "event_callback", "event": {', 'application/json')).status).toBe(400);
    expect((await signed(`payload=${encodeURIComponent('{"type": "block_actions", ')}`, 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await signed(TWO_MB, 'application/json')).status).toBe(413);
    expect((await signed(directMessageEventBody(SLACK_FOUNDER, 'status', 'EvBAD00001'), 'text/plain')).status).toBe(415);
    expect(await h.query(`SELECT count(*)::int AS n FROM processed_updates`)).toEqual(before);
    expect(h.slack!.callsOf('chat.postMessage')).toEqual([]);

    expect((await signed(directMessageEventBody(SLACK_FOUNDER, 'status', 'EvGOOD0001'), 'application/json')).status).toBe(200);
    await h.slack!.waitFor((c) => c.method === 'chat.postMessage', 20_000);
  });
});
