/**
 * Claiming the bot with a pairing code: the code AUREA prints makes its sender a founder (stored,
 * audited, welcomed, served, sent alerts and approvals); wrong and expired codes are refused like
 * strangers; five wrong codes block a person for an hour; /founders lists; /unpair is an approval.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../src/access.js';
import { runFounders, runPair } from '../src/cli/founders.js';
import { SLACK_STRANGER, directMessageEventBody, postSigned } from './fixtures/slack-requests.js';
import { FOUNDER, STRANGER, callbackUpdate, textUpdate, type Person } from './fixtures/telegram-updates.js';
import { Harness, SLACK_SIGNING_SECRET } from './helpers/harness.js';

/** A pairing code as AUREA prints it: eight characters, digits and capitals without 0, 1, I, L, O. */
const C = '[2-9A-HJKMNP-Z]{8}';
const CODE = new RegExp(`send "/start (${C})" to @aurea_test_bot`);

/** Sends `text` as `who` and waits for their next message. */
async function say(h: Harness, who: Person, text: string): Promise<string> {
  const n = h.telegram.messagesTo(who.id).length;
  h.telegram.pushUpdate(textUpdate(who, text));
  return h.telegram.nthMessage(who.id, n + 1);
}

/** A code other than `code` (its last character moved on by `i` in the code alphabet). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const wrong = (code: string, i = 1) => code.slice(0, -1) + ALPHABET[(ALPHABET.indexOf(code.at(-1)!) + i) % ALPHABET.length];

const audited = (h: Harness, action: string, who: Person) =>
  h.query(`SELECT details FROM audit_log WHERE action = $1 AND actor = $2 ORDER BY id`, [action, `telegram:${who.id}`]);

describe('pairing: claiming the bot with a one-time code', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('prints a code once; its sender becomes a founder who is served and asked for approvals; /founders lists them; /unpair removes one behind an approval', async () => {
    h = await Harness.create({ founders: [] });
    await h.start();
    expect(h.announced).toHaveLength(1);
    expect(h.announced[0]).toMatch(new RegExp(`^🔑 telegram has no founder yet: send "/start (${C})" to @aurea_test_bot \\(or open https://t\\.me/aurea_test_bot\\?start=\\1\\) within 15 minutes to become one\\. \\(\`aurea pair telegram\` prints a new code\\.\\)$`));
    const code = h.announced[0]!.match(CODE)![1]!;

    // A wrong code is refused like a stranger's message, and audited.
    expect(await say(h, STRANGER, `/start ${wrong(code)}`)).toBe(REFUSAL_TEXT);
    expect(await audited(h, 'pairing.refused', STRANGER)).toEqual([{ details: { name: 'Eve', attempts: 1, blocked: false, paused: false, redis: true } }]);

    // The right code: welcomed, stored, audited.
    expect(await say(h, FOUNDER, `/start ${code}`)).toBe('✅ Welcome, Ada Founder: you are now a founder of this AUREA. Alerts and approval requests will arrive in this chat.\n\nSend /help for the commands.');
    expect(await h.query('SELECT platform, user_id, name FROM founders')).toEqual([{ platform: 'telegram', user_id: String(FOUNDER.id), name: 'Ada Founder' }]);
    expect(await audited(h, 'founder.paired', FOUNDER)).toHaveLength(1);
    expect(await say(h, FOUNDER, '/status')).toMatch(/🟢 billing: up/);

    // A code makes one founder: the same code again is refused.
    h.telegram.pushUpdate(textUpdate(STRANGER, `/start ${code}`));
    await h.until(() => audited(h, 'pairing.refused', STRANGER).then((r) => r.length === 2), 10_000, 'second refusal');
    expect(h.telegram.messagesTo(STRANGER.id)).toHaveLength(1); // refused once per hour, as strangers are
    expect(await h.query('SELECT count(*)::int AS n FROM founders')).toEqual([{ n: 1 }]);

    // The paired founder receives approval requests (broadcasts go to paired founders' chats).
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => m.text.startsWith('Deploy billing?')), 20_000, 'approval request');

    // A second founder pairs with a code from `aurea pair telegram`; the first is told.
    const printed: string[] = [];
    expect(await runPair(h.config, 'telegram', (l) => printed.push(l))).toBe(0);
    expect(printed[0]).toMatch(new RegExp(`^Send "/start ${C}" to @aurea_test_bot \\(or open https://t\\.me/aurea_test_bot\\?start=${C}\\) within 15 minutes: whoever sends it first becomes a founder\\.$`));
    const second = printed[0]!.match(new RegExp(`/start (${C})`))![1]!;
    const told = h.telegram.messagesTo(FOUNDER.id).length;
    expect(await say(h, STRANGER, `/start ${second}`)).toMatch(/^✅ Welcome, Eve: you are now a founder/);
    expect(await h.telegram.nthMessage(FOUNDER.id, told + 1)).toBe(`🔑 Eve (telegram ${STRANGER.id}) is now a founder: they sent this AUREA's pairing code. If that was not meant, /unpair ${STRANGER.id}.`);

    const list = await say(h, FOUNDER, '/founders');
    expect(list).toMatch(new RegExp(`^Founders \\(2\\)\\n• telegram ${FOUNDER.id} \\(Ada Founder\\): paired on \\d{4}-\\d\\d-\\d\\d\\n• telegram ${STRANGER.id} \\(Eve\\): paired on \\d{4}-\\d\\d-\\d\\d$`));

    // /unpair asks every founder; nothing changes until someone approves.
    h.telegram.pushUpdate(textUpdate(FOUNDER, `/unpair ${STRANGER.id}`));
    await h.until(() => h.telegram.messagesTo(FOUNDER.id).some((m) => m.text === `🔒 Asked for approval to remove Eve (telegram ${STRANGER.id}) as a founder.`), 10_000, 'unpair answer');
    const request = await h.until(() => h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('Remove Eve as a founder?')), 10_000, 'unpair approval');
    expect(request.buttons.map((b) => b.text)).toEqual(['🔒 Remove', '✋ Keep']);
    expect(await h.query('SELECT count(*)::int AS n FROM founders')).toEqual([{ n: 2 }]);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, request.buttons[0]!.callback_data, request));
    await h.until(() => h.query('SELECT count(*)::int AS n FROM founders').then((r) => r[0]!.n === 1), 10_000, 'founder removed');
    expect(await h.query('SELECT user_id FROM founders')).toEqual([{ user_id: String(FOUNDER.id) }]);
    expect(await h.query(`SELECT actor, target FROM audit_log WHERE action = 'founder.unpaired'`)).toEqual([{ actor: `telegram:${FOUNDER.id}`, target: `founder:telegram:${STRANGER.id}` }]);
    await h.until(() => h.telegram.messagesTo(FOUNDER.id).some((m) => m.text === `🔒 Eve (telegram ${STRANGER.id}) is no longer a founder (approved by Ada Founder).`), 10_000, 'unpaired message');
    const eveBefore = h.telegram.messagesTo(STRANGER.id).length;
    h.telegram.pushUpdate(textUpdate(STRANGER, '/status'));
    await h.until(() => h.query(`SELECT 1 FROM audit_log WHERE action = 'access.refused' AND actor = $1 AND details->>'attempted' = '/status'`, [`telegram:${STRANGER.id}`]).then((r) => r.length), 10_000, 'Eve refused');
    expect(h.telegram.messagesTo(STRANGER.id).slice(eveBefore).map((m) => m.text)).not.toContainEqual(expect.stringMatching(/billing/));

    // After a restart: still a founder, and no code is printed.
    await h.stop();
    h.announced.length = 0;
    await h.start();
    expect(h.announced).toEqual([]); // a founder exists: no code printed
    expect(await say(h, FOUNDER, '/status')).toMatch(/🟢 billing: up/); // still served after a restart
    await h.stop();
    const lines: string[] = [];
    expect(await runFounders(h.config, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(new RegExp(`^• telegram ${FOUNDER.id} \\(Ada Founder\\): paired on \\d{4}-\\d\\d-\\d\\d$`));
  }, 90_000);

  it('five wrong codes block a person for an hour, even with the right code; an expired code is refused', async () => {
    h = await Harness.create({ founders: [], yaml: 'pairing:\n  codeTtl: 3s\n' });
    await h.start();
    const code = h.announced[0]!.match(CODE)![1]!;
    for (let i = 1; i <= 5; i++) h.telegram.pushUpdate(textUpdate(STRANGER, `/start ${wrong(code, i)}`));
    await h.until(() => audited(h, 'pairing.blocked', STRANGER).then((r) => r.length), 10_000, 'blocked');
    expect((await audited(h, 'pairing.refused', STRANGER)).map((r) => r.details.attempts)).toEqual([1, 2, 3, 4, 5]);
    expect(h.telegram.messagesTo(STRANGER.id).map((m) => m.text)).toEqual([REFUSAL_TEXT]);

    h.telegram.pushUpdate(textUpdate(STRANGER, `/start ${code}`));
    await h.until(() => audited(h, 'pairing.refused', STRANGER).then((r) => r.length === 6), 10_000, 'refused while blocked');
    expect((await audited(h, 'pairing.refused', STRANGER)).at(-1)!.details).toMatchObject({ attempts: 5, blocked: true });
    expect(await h.query('SELECT * FROM founders')).toEqual([]);

    // The code that was not used up expires (3 s here; 15 minutes by default): Redis drops it.
    await h.until(async () => (await h.app!.core.pairing.remainingMs('telegram')) === 0, 10_000, 'the code to expire');
    expect(await say(h, FOUNDER, `/start ${code}`)).toBe(REFUSAL_TEXT);
    expect(await h.query('SELECT * FROM founders')).toEqual([]);

    // A fresh code from `aurea pair` works for someone who is not blocked.
    const printed: string[] = [];
    await runPair(h.config, 'telegram', (l) => printed.push(l));
    const fresh = printed[0]!.match(new RegExp(`/start (${C})`))![1]!;
    h.telegram.pushUpdate(textUpdate(FOUNDER, `/start ${fresh}`));
    await h.until(() => h.query('SELECT user_id FROM founders').then((r) => r.length), 10_000, 'paired');
    expect(await h.query('SELECT user_id FROM founders')).toEqual([{ user_id: String(FOUNDER.id) }]);
  }, 60_000);

  it('on Slack: the printed code sent in a DM with the app makes its sender a Slack founder', async () => {
    h = await Harness.create({ slack: true, env: { FOUNDER_SLACK_IDS: '' } });
    await h.start();
    expect(h.announced).toHaveLength(1); // Telegram has its configured founder
    expect(h.announced[0]).toMatch(new RegExp(`^🔑 slack has no founder yet: send "start (${C})" to @aurea in Slack \\(its Messages tab\\), or type "/aurea start \\1" within 15 minutes to become one\\.`));
    const code = h.announced[0]!.match(new RegExp(`"start (${C})"`))![1]!;
    const res = await postSigned(h.slackEventsUrl, directMessageEventBody(SLACK_STRANGER, `start ${code}`, 'Ev0PAIR0001'), 'application/json', SLACK_SIGNING_SECRET);
    expect(res.status).toBe(200);
    const welcome = await h.slack!.waitFor((c) => c.method === 'chat.postMessage' && /Welcome/.test(c.payload.text), 10_000, 'welcome');
    expect(welcome.payload.text).toBe('✅ Welcome, U0STRANGE1: you are now a founder of this AUREA. Alerts and approval requests will arrive in this chat.\n\nSend /help for the commands.');
    expect(await h.query('SELECT platform, user_id FROM founders')).toEqual([{ platform: 'slack', user_id: SLACK_STRANGER.id }]);
    // Broadcasts now reach their DM too.
    expect(h.app!.core.founders.chatsOf('slack')).toEqual([SLACK_STRANGER.id]);
  });
});
