/**
 * One tap path: every button kind that exists (Approve / Reject on a deploy approval, ▶ Run it /
 * ✖ Cancel on a proposed command) pressed on every channel (a Telegram callback query, a Slack
 * block action, a console number) reaches the same handler, which decides by compare-and-set on
 * the `approvals` table and resumes the right work.
 */
import { PassThrough } from 'node:stream';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../src/access.js';
import type { Actor } from '../src/actor.js';
import { ROLES } from '../src/main.js';
import { route } from '../src/router.js';
import { visibleBlocks } from './fakes/slack-api.js';
import { SLACK_FOUNDER, blockActionsBody, postSigned } from './fixtures/slack-requests.js';
import { FOUNDER, STRANGER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness, SLACK_SIGNING_SECRET, type HarnessOptions } from './helpers/harness.js';

const FORM = 'application/x-www-form-urlencoded';
const CHANNELS = ['telegram', 'slack', 'console'] as const;
type Name = (typeof CHANNELS)[number];

/** Each channel's founder and the chat where a proposal made there is shown. */
const FOUNDERS: Record<Name, { actor: Actor; chatId: string }> = {
  telegram: { actor: { platform: 'telegram', id: String(FOUNDER.id), name: 'Ada Founder' }, chatId: String(FOUNDER.id) },
  slack: { actor: { platform: 'slack', id: SLACK_FOUNDER.id, name: SLACK_FOUNDER.name }, chatId: SLACK_FOUNDER.id },
  console: { actor: { platform: 'console', id: userInfo().username, name: userInfo().username }, chatId: 'console' },
};

describe('one tap path for every button on every channel', () => {
  let h: Harness;
  let consoleOut = '';
  let consoleIn = new PassThrough();

  const setup = async (options: HarnessOptions = {}) => {
    h = await Harness.create({ slack: true, ...options });
    consoleOut = '';
    consoleIn = new PassThrough();
    const output = new PassThrough();
    output.on('data', (d: Buffer) => (consoleOut += d.toString('utf8')));
    await h.start(ROLES.start, { input: consoleIn, output });
    void h.app!.console!.run();
  };
  afterEach(async () => {
    h?.app?.console?.close();
    await h?.close();
  });

  /** Presses the button labelled `label` on the newest message that shows it; resolves with the tapper's answer. */
  const press: Record<Name, (label: string, expected: string) => Promise<string>> = {
    async telegram(label) {
      const message = h.telegram.messagesTo(FOUNDER.id).findLast((m) => m.buttons.some((b) => b.text === label))!;
      const before = h.telegram.callsOf('answerCallbackQuery').length;
      h.telegram.pushUpdate(callbackUpdate(FOUNDER, message.buttons.find((b) => b.text === label)!.callback_data, message));
      await h.until(() => h.telegram.callsOf('answerCallbackQuery').length > before, 10_000, 'the callback query answer');
      return h.telegram.callsOf('answerCallbackQuery')[before]!.payload.text;
    },
    async slack(label) {
      const slack = h.slack!;
      const posted = slack.callsOf('chat.postMessage').findLast((c) => (c.payload.blocks ?? []).some((b: any) => b.type === 'actions' && b.elements.some((e: any) => e.text.text === label)))!;
      const button = posted.payload.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.text.text === label);
      const id = `r${Date.now()}`;
      const res = await postSigned(h.slackEventsUrl, blockActionsBody(SLACK_FOUNDER, button.value, { channel: posted.payload.channel, ts: '1700000000.000300' }, slack.responseUrl(id)), FORM, SLACK_SIGNING_SECRET);
      expect(res.status).toBe(200);
      return (await slack.waitFor((c) => c.method === 'response_url' && c.responseId === id)).payload.text;
    },
    async console(label, expected) {
      const numbers = [...consoleOut.matchAll(/\[(\d+)\] ([^\n[]+?)(?= {3}\[|\n|$)/g)].filter((m) => m[2] === label);
      const mark = consoleOut.length;
      consoleIn.write(`${numbers.at(-1)![1]}\n`);
      // The console prints the answer as a line of its own; other lines (edits) may come first.
      await h.until(() => consoleOut.slice(mark).split('\n').includes(expected), 10_000, `"${expected}" in the console`);
      return expected;
    },
  };

  const approvalsOf = (kind: string) => h.query<{ status: string }>(`SELECT status FROM approvals WHERE kind = $1 ORDER BY created_at`, [kind]).then((r) => r.map((a) => a.status));

  /** Asks for a deploy approval (shown on every channel) and waits until each channel shows it. */
  const requestDeploy = async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    await h.telegram.waitFor((c) => c.method === 'sendMessage' && /Deploy billing\?/.test(c.text!), 30_000);
    await h.slack!.waitFor((c) => c.method === 'chat.postMessage' && /Deploy billing\?/.test(visibleBlocks(c.payload.blocks ?? [])), 10_000);
    await h.until(() => /Deploy billing\?[\s\S]*\[\d+\] ✅ Approve/.test(consoleOut), 10_000, 'the request in the console');
  };

  /** Proposes `deploy billing` in `channel`'s founder chat, as the router does for a voice transcript. */
  const propose = async (channel: Name) => {
    const { actor, chatId } = FOUNDERS[channel];
    const core = h.app!.core;
    const routed = await route(core, { actor, chat: { channel, chatId }, text: 'deploy billing', origin: 'voice', reply: (m) => core.broadcaster.sendTo(channel, chatId, m) });
    expect(routed).toBe('proposed');
  };

  const prefix = (channel: Name) => (channel === 'slack' ? '/aurea ' : '/');

  const cases = CHANNELS.flatMap((channel) => [
    {
      channel,
      button: '✅ Approve',
      make: requestDeploy,
      answer: 'Approved. Working on it…',
      async after() {
        await h.until(() => h.repo.deploys.length === 1, 30_000, 'the deploy');
        expect(await approvalsOf('deploy')).toEqual(['approved']);
      },
    },
    {
      channel,
      button: '❌ Reject',
      make: requestDeploy,
      answer: 'Rejected. Nothing will change.',
      async after() {
        expect(await approvalsOf('deploy')).toEqual(['rejected']);
        await h.settled();
        expect(h.repo.deploys).toEqual([]);
      },
    },
    {
      channel,
      button: '✖ Cancel',
      make: () => propose(channel),
      answer: 'Cancelled. Nothing was run.',
      async after() {
        expect(await approvalsOf('command')).toEqual(['rejected']);
        await h.settled();
        expect(await approvalsOf('deploy')).toEqual([]);
      },
    },
  ]);

  it.each(cases)('$button on $channel', async ({ channel, button, make, answer, after }) => {
    await setup();
    await make();
    expect(await press[channel](button, answer)).toBe(answer);
    await after();
    const audited = await h.query(`SELECT action FROM audit_log WHERE action LIKE 'approval.%' ORDER BY id`);
    expect(audited.map((a) => a.action)).toContain(`approval.${/Approve|Run/.test(button) ? 'approved' : 'rejected'}`);
  });

  /** Presses `label` twice at once (two taps, two clicks, two numbers typed); resolves with both answers, sorted. */
  const pressTwice: Record<Name, (label: string, expected: string[]) => Promise<string[]>> = {
    async telegram(label) {
      const message = h.telegram.messagesTo(FOUNDER.id).findLast((m) => m.buttons.some((b) => b.text === label))!;
      const data = message.buttons.find((b) => b.text === label)!.callback_data;
      const before = h.telegram.callsOf('answerCallbackQuery').length;
      h.telegram.pushUpdate(callbackUpdate(FOUNDER, data, message));
      h.telegram.pushUpdate(callbackUpdate(FOUNDER, data, message));
      await h.until(() => h.telegram.callsOf('answerCallbackQuery').length >= before + 2, 10_000, 'two callback query answers');
      return h.telegram.callsOf('answerCallbackQuery').slice(before).map((c) => c.payload.text).sort();
    },
    async slack(label) {
      const slack = h.slack!;
      const posted = slack.callsOf('chat.postMessage').findLast((c) => (c.payload.blocks ?? []).some((b: any) => b.type === 'actions' && b.elements.some((e: any) => e.text.text === label)))!;
      const button = posted.payload.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.text.text === label);
      const ids = [`a${Date.now()}`, `b${Date.now()}`];
      await Promise.all(ids.map((id) => postSigned(h.slackEventsUrl, blockActionsBody(SLACK_FOUNDER, button.value, { channel: posted.payload.channel, ts: '1700000000.000300' }, slack.responseUrl(id)), FORM, SLACK_SIGNING_SECRET)));
      return (await Promise.all(ids.map((id) => slack.waitFor((c) => c.method === 'response_url' && c.responseId === id)))).map((c) => c.payload.text).sort();
    },
    async console(label, expected) {
      const numbers = [...consoleOut.matchAll(/\[(\d+)\] ([^\n[]+?)(?= {3}\[|\n|$)/g)].filter((m) => m[2] === label);
      const mark = consoleOut.length;
      consoleIn.write(`${numbers.at(-1)![1]}\n${numbers.at(-1)![1]}\n`);
      await h.until(() => expected.every((e) => consoleOut.slice(mark).split('\n').includes(e)), 10_000, `${expected.join(' and ')} in the console`);
      return consoleOut.slice(mark).split('\n').filter((line) => expected.includes(line)).sort();
    },
  };

  it.each(CHANNELS.flatMap((channel) => (['voice', 'assistant'] as const).map((origin) => ({ channel, origin }))))(
    'a command proposed from $origin on $channel, ▶ Run it pressed twice at once: it runs once, then the deploy asks for approval',
    async ({ channel, origin }) => {
      await setup();
      const { actor, chatId } = FOUNDERS[channel];
      const core = h.app!.core;
      const routed = await route(core, { actor, chat: { channel, chatId }, text: 'deploy billing', origin, reply: (m) => core.broadcaster.sendTo(channel, chatId, m) });
      expect(routed).toBe('proposed');
      const expected = ['Already answered.', `Running ${prefix(channel)}deploy billing`];
      expect(await pressTwice[channel]('▶ Run it', expected)).toEqual(expected);
      expect(await approvalsOf('command')).toEqual(['approved']);
      await h.until(async () => (await approvalsOf('deploy')).length === 1, 30_000, 'the deploy approval');
      await h.settled();
      expect(await approvalsOf('deploy')).toEqual(['pending']);
      expect(h.repo.deploys).toEqual([]);
    },
  );

  it("a stranger's tap on a proposal is refused and audited, and nothing runs", async () => {
    await setup();
    await propose('telegram');
    const message = h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('Run this voice command?'))!;
    h.telegram.pushUpdate(callbackUpdate(STRANGER, message.buttons[0]!.callback_data, message));
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe(REFUSAL_TEXT);
    const refused = await h.until(() => h.query(`SELECT details FROM audit_log WHERE action = 'access.refused'`).then((r) => r.length && r));
    expect(refused[0]!.details.attempted).toMatch(/^button apv:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:approve$/);
    expect(await approvalsOf('command')).toEqual(['pending']);
    expect(await approvalsOf('deploy')).toEqual([]);
  });

  it('an expired proposal says so and runs nothing', async () => {
    await setup({ approvalTimeout: '1s' });
    await propose('telegram');
    await h.until(() => h.query(`SELECT 1 FROM approvals WHERE expires_at < now()`).then((r) => r.length), 10_000, 'the proposal past its expiry');
    expect(await press.telegram('▶ Run it', '')).toBe('This request expired before a decision; nothing will change. Ask again if it is still wanted.');
    expect(await approvalsOf('command')).toEqual(['expired']);
    await h.settled();
    expect(await approvalsOf('deploy')).toEqual([]);
    const edit = await h.telegram.waitFor((c) => c.method === 'editMessageText');
    expect(edit.text).toMatch(/^Run this voice command\?\n\/deploy billing\n\n⌛ Expired before anyone decided/);
  });
});
