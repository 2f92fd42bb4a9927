/**
 * Fault: every class of SQL error through the pg Pool, and text that Postgres cannot store coming in
 * from every platform. The store must keep answering correctly after each, on both backends
 * (PGlite through src/db/pglite-pool.ts, and a real server).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../../src/access.js';
import { migrate } from '../../src/db/migrate.js';
import { FakeOpenAIApi } from '../fakes/openai-api.js';
import { visibleBlocks } from '../fakes/slack-api.js';
import { SLACK_FOUNDER, directMessageEventBody, postSigned } from '../fixtures/slack-requests.js';
import { speak } from '../fixtures/speech.js';
import { FOUNDER, STRANGER, textUpdate, voiceUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND, openTestDatabase } from '../helpers/backend.js';
import { Harness, SLACK_SIGNING_SECRET } from '../helpers/harness.js';

const NUL = '\u0000';
const LONE_HIGH = '\uD83D'; // the first half of 🙂, cut off
const LONE_LOW = '\uDE42';

describe(`fault: SQL errors through the pool (${BACKEND})`, () => {
  let pool: pg.Pool;
  let close: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    const opened = await openTestDatabase();
    pool = opened.db.pool;
    close = opened.close;
    await migrate(pool);
    await pool.query('CREATE TABLE fault_t (id int PRIMARY KEY, v text)');
    await pool.query(`INSERT INTO fault_t VALUES (1, 'one')`);
  });
  afterAll(() => close?.());

  /** The next queries, simple and parameterised, return their own results. */
  async function stillAnswers(): Promise<void> {
    n++;
    expect((await pool.query(`SELECT ${n} AS n`)).rows).toEqual([{ n }]);
    expect((await pool.query('SELECT $1::int AS n', [n + 1000])).rows).toEqual([{ n: n + 1000 }]);
    expect((await pool.query('SELECT v FROM fault_t WHERE id = $1', [1])).rows).toEqual([{ v: 'one' }]);
    const client = await pool.connect();
    try {
      expect(client.getTransactionStatus?.() ?? 'I').toBe('I');
      expect((await client.query(`SELECT 'ok'::text AS s`)).rows).toEqual([{ s: 'ok' }]);
    } finally {
      client.release();
    }
  }

  const cases: Array<[string, string, unknown[] | undefined, RegExp]> = [
    ['division by zero (simple query)', 'SELECT 1/0', undefined, /division by zero/],
    ['division by zero (parameterised)', 'SELECT $1::int/0', [1], /division by zero/],
    ['division by zero while executing', 'SELECT 1/(x-1) FROM (VALUES ($1::int)) t(x)', [1], /division by zero/],
    ['syntax error', 'SELEC 1', undefined, /syntax error/],
    ['unknown type (fails at Parse)', 'SELECT $1::nosuchtype', [1], /type "nosuchtype" does not exist/],
    ['unique violation', 'INSERT INTO fault_t VALUES ($1, $2)', [1, 'dup'], /duplicate key value violates unique constraint/],
    ['bad cast', 'SELECT $1::int', ['abc'], /invalid input syntax for type integer/],
    ['vector dimension mismatch', `SELECT '[1,2]'::vector <-> $1::vector AS d`, ['[1,2,3]'], /different vector dimensions/],
    ['a NUL byte in a text parameter', 'SELECT $1::text', [`a${NUL}b`], /0x00|invalid byte sequence/],
    ['a NUL escape in jsonb', 'SELECT $1::jsonb', [JSON.stringify({ t: `a${NUL}b` })], /unsupported Unicode escape sequence|\\u0000/],
  ];
  for (const [name, sql, params, error] of cases) {
    it(`${name}: fails with its own error, then every query answers correctly`, async () => {
      await expect(pool.query(sql, params)).rejects.toThrow(error);
      await stillAnswers();
    });
  }

  it('an error inside a transaction, then ROLLBACK: nothing of it stays, the next queries answer', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO fault_t VALUES (2, 'two')`);
      await expect(client.query('INSERT INTO fault_t VALUES ($1, $2)', [1, 'dup'])).rejects.toThrow(/duplicate key/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await pool.query('SELECT count(*)::int AS c FROM fault_t')).rows).toEqual([{ c: 1 }]);
    await stillAnswers();
  });

  it('a statement after an aborted transaction is refused; ROLLBACK recovers', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await expect(client.query('SELECT $1::int/0', [1])).rejects.toThrow(/division by zero/);
      await expect(client.query('SELECT $1::int', [5])).rejects.toThrow(/current transaction is aborted/);
      await expect(client.query('SELECT 5')).rejects.toThrow(/current transaction is aborted/);
      await client.query('ROLLBACK');
      expect((await client.query('SELECT $1::int AS n', [5])).rows).toEqual([{ n: 5 }]);
    } finally {
      client.release();
    }
    await stillAnswers();
  });

  it('a client dropped in the middle of a transaction leaves nothing open for the next one', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO fault_t VALUES (3, 'three')`);
    client.release(new Error('the caller gave up')); // pg removes the client from the pool
    expect((await pool.query('SELECT count(*)::int AS c FROM fault_t')).rows).toEqual([{ c: 1 }]);
    await stillAnswers();
  });

  it('many failures in a row and in parallel: each query gets its own result', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? pool.query('SELECT $1::int/0', [i]) : pool.query('SELECT $1::int AS i', [i]))),
    );
    results.forEach((r, i) => {
      if (i % 3 === 0) expect(r.status).toBe('rejected');
      else expect(r).toEqual({ status: 'fulfilled', value: expect.objectContaining({ rows: [{ i }] }) });
    });
    await stillAnswers();
  });
});

describe(`fault: text Postgres cannot store, from every platform (${BACKEND})`, () => {
  let h: Harness;
  let openai: FakeOpenAIApi;
  beforeAll(async () => {
    openai = await FakeOpenAIApi.start();
    h = await Harness.create({ slack: true, env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseUrl, TRANSCRIBE_PROVIDER: 'openai' } });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await openai?.close();
  });

  it('/remember with a NUL byte and half an emoji (Telegram) stores the text without them', async () => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, `/remember the key is a${NUL}b ${LONE_HIGH}ok${LONE_LOW}`));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 1)).toBe('🧠 Remembered as #1 (insight).');
    const rows = await h.query(`SELECT content FROM ai_persistent_memory`);
    expect(rows).toEqual([{ content: 'the key is ab ok' }]);
  });

  it("a stranger's message with a NUL byte is refused and audited", async () => {
    h.telegram.pushUpdate(textUpdate({ ...STRANGER, first_name: `E${NUL}ve` }, `hello${NUL} there ${LONE_LOW}`));
    expect(await h.telegram.nthMessage(STRANGER.id, 1)).toBe(REFUSAL_TEXT);
    const rows = await h.until(() => h.query(`SELECT details FROM audit_log WHERE action = 'access.refused' AND actor = $1`, [`telegram:${STRANGER.id}`]).then((r) => r.length && r));
    expect(rows[0]!.details).toMatchObject({ name: 'Eve', attempted: 'hello there ' });
  });

  it('a Slack DM with a NUL byte is answered like the clean text', async () => {
    const slack = h.slack!;
    await postSigned(h.slackEventsUrl, directMessageEventBody(SLACK_FOUNDER, `sta${NUL}tus`, 'Ev0NUL0001'), 'application/json', SLACK_SIGNING_SECRET);
    const answer = await slack.waitFor((c) => c.method === 'chat.postMessage' && /billing: up/.test(visibleBlocks(c.payload.blocks ?? [])), 20_000);
    expect(answer.payload.channel).toBe(`D${SLACK_FOUNDER.id.slice(1)}`);
  });

  it('a voice transcript with a NUL byte is stored and run without it', async () => {
    openai.transcript = `sta${NUL}tus${LONE_HIGH}`;
    const clip = speak('status');
    h.telegram.addFile('v-nul', clip.ogg);
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(voiceUpdate(FOUNDER, { fileId: 'v-nul', durationSec: Math.round(clip.durationSec), bytes: clip.ogg.length }));
    await h.telegram.nthMessage(FOUNDER.id, before + 2, 30_000);
    const texts = h.telegram.messagesTo(FOUNDER.id).slice(before).map((m) => m.text);
    expect(texts[0]).toBe('🎙 heard: “status”');
    expect(texts[1]).toMatch(/🟢 billing: up/);
    expect(await h.query(`SELECT status, transcript FROM voice_notes`)).toEqual([{ status: 'transcribed', transcript: 'status' }]);
  });

  it('after a failed query on the shared pool, the bot still answers the next message at once', async () => {
    await expect(h.query('SELECT $1::int/0', [1])).rejects.toThrow(/division by zero/);
    await expect(h.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 1)).toMatch(/🟢 billing: up/);
  });
});
