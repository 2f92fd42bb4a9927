import { isValidSlackRequest } from '@slack/bolt';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { visibleBlocks } from './fakes/slack-api.js';
import { speak } from './fixtures/speech.js';
import {
  SIGNATURE_VECTOR,
  SLACK_FOUNDER,
  SLACK_STRANGER,
  appMentionEventBody,
  audioFileShareEventBody,
  blockActionsBody,
  directMessageEventBody,
  postSigned,
  slashCommandBody,
} from './fixtures/slack-requests.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness, SLACK_SIGNING_SECRET } from './helpers/harness.js';

const FORM = 'application/x-www-form-urlencoded';

describe('Slack app (Bolt, HTTP mode on /slack/events)', () => {
  let h: Harness;
  const setup = async () => {
    h = await Harness.create({ slack: true });
    await h.start();
    return h.slack!;
  };
  afterEach(() => h?.close());

  it("verifies the signature vector from Slack's 'Verifying requests from Slack'", () => {
    const v = SIGNATURE_VECTOR;
    const headers = { 'x-slack-signature': v.headers['X-Slack-Signature'], 'x-slack-request-timestamp': Number(v.headers['X-Slack-Request-Timestamp']) };
    expect(isValidSlackRequest({ signingSecret: v.signing_secret, body: v.raw_body, headers, nowMilliseconds: v.sdk_test_clock_now * 1000 })).toBe(true);
    expect(isValidSlackRequest({ signingSecret: v.signing_secret, body: `${v.raw_body}x`, headers, nowMilliseconds: v.sdk_test_clock_now * 1000 })).toBe(false);
    // The same request replayed now is outside the 5-minute window.
    expect(isValidSlackRequest({ signingSecret: v.signing_secret, body: v.raw_body, headers })).toBe(false);
  });

  it('refuses a bad signature and a timestamp older than 5 minutes with 401, changing nothing', async () => {
    const slack = await setup();
    const body = slashCommandBody(SLACK_FOUNDER, 'status', slack.responseUrl('r1'));
    const forged = await postSigned(h.slackEventsUrl, body, FORM, SLACK_SIGNING_SECRET, { signature: 'v0=deadbeef' });
    expect(forged.status).toBe(401);
    const stale = await postSigned(h.slackEventsUrl, body, FORM, SLACK_SIGNING_SECRET, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const replayed = await postSigned(h.slackEventsUrl, SIGNATURE_VECTOR.raw_body, FORM, SIGNATURE_VECTOR.signing_secret, {
      timestamp: Number(SIGNATURE_VECTOR.headers['X-Slack-Request-Timestamp']),
      signature: SIGNATURE_VECTOR.headers['X-Slack-Signature'],
    });
    expect(replayed.status).toBe(401);
    await h.settled();
    expect(slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    // Nothing audited but the scheduled agents' own runs (agent.run.*).
    expect(await h.query(`SELECT * FROM audit_log WHERE action NOT LIKE 'agent.run.%'`)).toEqual([]);
  });

  it("the manifest's slash command usage hint is the one generated from the command registry", async () => {
    await setup();
    const manifest = parse(readFileSync('slack-app-manifest.yaml', 'utf8'));
    expect(manifest.features.slash_commands[0].usage_hint).toBe(h.app!.core.commands.usageLine());
  });

  it('/aurea status is acked at once and answered through response_url', async () => {
    const slack = await setup();
    const res = await postSigned(h.slackEventsUrl, slashCommandBody(SLACK_FOUNDER, 'status', slack.responseUrl('s1')), FORM, SLACK_SIGNING_SECRET);
    expect(res.status).toBe(200);
    const answer = await slack.waitFor((c) => c.method === 'response_url' && c.responseId === 's1');
    expect(answer.payload.response_type).toBe('ephemeral');
    expect(visibleBlocks(answer.payload.blocks)).toMatch(/🟢 billing: up \(\d+ ms\)/);
  });

  it("/aurea in plain words (no model configured) is answered once through response_url", async () => {
    const slack = await setup();
    await postSigned(h.slackEventsUrl, slashCommandBody(SLACK_FOUNDER, "what's the status?", slack.responseUrl('w1')), FORM, SLACK_SIGNING_SECRET);
    const answer = await slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'w1');
    expect(visibleBlocks(answer.payload.blocks)).toMatch(/🟢 billing: up/);
    await h.settled();
    expect(slack.callsOf('response_url').filter((c) => c.responseId === 'w1')).toHaveLength(1);
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('/aurea from a non-founder is refused and audited', async () => {
    const slack = await setup();
    await postSigned(h.slackEventsUrl, slashCommandBody(SLACK_STRANGER, 'deploy billing', slack.responseUrl('x1')), FORM, SLACK_SIGNING_SECRET);
    const answer = await slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'x1');
    expect(answer.payload.text).toBe('Sorry, this is a private bot.');
    const rows = await h.query(`SELECT actor, details FROM audit_log WHERE action = 'access.refused'`);
    expect(rows).toEqual([{ actor: `slack:${SLACK_STRANGER.id}`, details: { name: 'eve', attempted: 'deploy billing' } }]);
    expect(h.repo.deploys).toEqual([]);
  });

  it('/aurea deploy billing → Block Kit approval in the founder DM → button click resumes the graph → chat.update', async () => {
    const slack = await setup();
    await postSigned(h.slackEventsUrl, slashCommandBody(SLACK_FOUNDER, 'deploy billing', slack.responseUrl('d1')), FORM, SLACK_SIGNING_SECRET);
    const request = await slack.waitFor((c) => c.method === 'chat.postMessage' && (c.payload.blocks ?? []).some((b: any) => b.type === 'actions'), 20_000);
    expect(request.payload.channel).toBe(SLACK_FOUNDER.id);
    expect(visibleBlocks(request.payload.blocks)).toMatch(/^Deploy billing\?\nRequested by ada on slack\.\nTests: passed/);
    const actions = request.payload.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements.map((e: any) => [e.text.text, e.style])).toEqual([
      ['✅ Approve', 'primary'],
      ['❌ Reject', 'danger'],
    ]);
    const posted = slack.callsOf('chat.postMessage').indexOf(request);
    expect(posted).toBeGreaterThanOrEqual(0);

    const approve = actions.elements[0].value;
    const message = { channel: `D${SLACK_FOUNDER.id.slice(1)}`, ts: '1700000000.000100' };
    const click = await postSigned(h.slackEventsUrl, blockActionsBody(SLACK_FOUNDER, approve, message, slack.responseUrl('a1')), FORM, SLACK_SIGNING_SECRET);
    expect(click.status).toBe(200);
    const ephemeral = await slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'a1');
    expect(ephemeral.payload).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Approved. Working on it…' });
    await slack.waitFor((c) => c.method === 'chat.postMessage' && /billing deployed/.test(c.payload.text), 20_000);
    expect(h.repo.deploys).toHaveLength(1);
    const update = await slack.waitFor((c) => c.method === 'chat.update');
    expect(update.payload.channel).toMatch(/^D/);
    expect(update.payload.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    expect(visibleBlocks(update.payload.blocks)).toMatch(/✅ Approved by ada on slack at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  it("a long text file (a task's diff) reaches the founder's DM through Slack's upload flow, with its caption", async () => {
    const slack = await setup();
    const content = `${Array.from({ length: 300 }, (_, i) => `+line ${i}`).join('\n')}\n`;
    const ref = await h.app!.core.broadcaster.sendDocumentTo('slack', SLACK_FOUNDER.id, { filename: 'task-9.diff', content, caption: 'Diff of task #9 on billing (300 lines)' });
    expect(slack.calls.filter((c) => c.method !== 'auth.test').map((c) => c.method)).toEqual(['conversations.open', 'files.getUploadURLExternal', 'file upload', 'files.completeUploadExternal']);
    expect(slack.sharedFiles()).toEqual([
      { id: ref.messageId, channel: `D${SLACK_FOUNDER.id.slice(1)}`, filename: 'task-9.diff', title: 'task-9.diff', comment: 'Diff of task #9 on billing (300 lines)', content, bytes: Buffer.from(content) },
    ]);
    // A chart goes the same way, as the PNG's bytes.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    await h.app!.core.broadcaster.broadcastPhoto({ png, filename: 'spend.png', caption: 'Model spend per day' });
    expect(slack.sharedFiles().at(-1)).toMatchObject({ filename: 'spend.png', comment: 'Model spend per day', bytes: png });
  });

  it("an alert that meets Slack's rate limit (429 Retry-After) is waited out and delivered once", async () => {
    const slack = await setup();
    slack.rateLimitNext('chat.postMessage', 1);
    await h.app!.core.alerts.raise({ severity: 'warning', source: 'test', message: 'disk at 91%' });
    const sent = slack.callsOf('chat.postMessage').filter((c) => c.payload.text === '🟠 disk at 91%');
    expect(sent).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.ok)).toHaveLength(1);
    expect(await h.query(`SELECT delivered_at IS NOT NULL AS delivered FROM ai_system_alerts`)).toEqual([{ delivered: true }]);
  });

  it('an app mention in a channel is handled as text and answered in that channel', async () => {
    const slack = await setup();
    await postSigned(h.slackEventsUrl, appMentionEventBody(SLACK_FOUNDER, 'agents', 'Ev0MENTION1'), 'application/json', SLACK_SIGNING_SECRET);
    const reply = await slack.waitFor((c) => c.method === 'chat.postMessage' && /Scheduled agents/.test(c.payload.text));
    expect(reply.payload.channel).toBe('C0OPS00001');
    await postSigned(h.slackEventsUrl, appMentionEventBody(SLACK_FOUNDER, 'frobnicate', 'Ev0MENTION2'), 'application/json', SLACK_SIGNING_SECRET);
    const hint = await slack.waitFor((c) => c.method === 'chat.postMessage' && /only follow commands/.test(c.payload.text));
    expect(hint.payload.text).toMatch(/^I can only follow commands for now: no language model is configured\. Set ANTHROPIC_API_KEY/);
  });

  it('a retried event (same event_id, X-Slack-Retry-Num) is handled once', async () => {
    const slack = await setup();
    const body = directMessageEventBody(SLACK_FOUNDER, 'help', 'Ev0RETRY001');
    expect((await postSigned(h.slackEventsUrl, body, 'application/json', SLACK_SIGNING_SECRET)).status).toBe(200);
    const help = await slack.waitFor((c) => c.method === 'chat.postMessage' && /Commands/.test(c.payload.text));
    expect(visibleBlocks(help.payload.blocks)).toMatch(/\/aurea deploy <service> — Test, ask for approval/);
    expect((await postSigned(h.slackEventsUrl, body, 'application/json', SLACK_SIGNING_SECRET, { retryNum: 1 })).status).toBe(200);
    expect((await postSigned(h.slackEventsUrl, body, 'application/json', SLACK_SIGNING_SECRET, { retryNum: 2 })).status).toBe(200);
    await h.settled();
    expect(slack.callsOf('chat.postMessage').filter((c) => /Commands/.test(c.payload.text))).toHaveLength(1);
    expect(await h.query(`SELECT update_id FROM processed_updates WHERE platform = 'slack'`)).toEqual([{ update_id: 'Ev0RETRY001' }]);
  });

  it('an audio file shared in a DM is fetched with files.info + authenticated download and transcribed', async () => {
    const slack = await setup();
    slack.addFile('F0VOICE001', speak('status').ogg);
    await postSigned(h.slackEventsUrl, audioFileShareEventBody(SLACK_FOUNDER, 'F0VOICE001', 'Ev0VOICE01'), 'application/json', SLACK_SIGNING_SECRET);
    const heard = await slack.waitFor((c) => c.method === 'chat.postMessage' && /heard/.test(c.payload.text), 30_000);
    expect(heard.payload.text).toBe('🎙 heard: “status”');
    expect(slack.calls.filter((c) => c.method === 'file download').map((c) => c.ok)).toEqual([true]);
    const status = await slack.waitFor((c) => c.method === 'chat.postMessage' && /AUREA status/.test(c.payload.text), 30_000);
    expect(visibleBlocks(status.payload.blocks)).toMatch(/🟢 billing: up/);
  });

  it('"deploy billing" spoken in a DM is proposed with ▶ Run it; the click runs it once (then the deploy asks for approval)', async () => {
    const slack = await setup();
    slack.addFile('F0VOICE002', speak('deploy billing').ogg);
    await postSigned(h.slackEventsUrl, audioFileShareEventBody(SLACK_FOUNDER, 'F0VOICE002', 'Ev0VOICE02'), 'application/json', SLACK_SIGNING_SECRET);
    const proposal = await slack.waitFor((c) => c.method === 'chat.postMessage' && /Run this voice command\?/.test(visibleBlocks(c.payload.blocks ?? [])), 30_000);
    const actions = proposal.payload.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements.map((e: any) => [e.text.text, e.style])).toEqual([
      ['▶ Run it', 'primary'],
      ['✖ Cancel', undefined],
    ]);
    const run = actions.elements[0].value;
    const message = { channel: `D${SLACK_FOUNDER.id.slice(1)}`, ts: '1700000000.000200' };
    const clicks = await Promise.all(['r1', 'r2'].map((id) => postSigned(h.slackEventsUrl, blockActionsBody(SLACK_FOUNDER, run, message, slack.responseUrl(id)), FORM, SLACK_SIGNING_SECRET)));
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    const answers = await Promise.all(['r1', 'r2'].map((id) => slack.waitFor((c) => c.method === 'response_url' && c.responseId === id)));
    expect(answers.map((a) => a.payload.text).sort()).toEqual(['Already answered.', 'Running /aurea deploy billing']);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && /Deploy billing\?/.test(visibleBlocks(c.payload.blocks ?? [])), 30_000);
    expect(slack.callsOf('chat.postMessage').filter((c) => /Deploy billing\?/.test(visibleBlocks(c.payload.blocks ?? [])))).toHaveLength(1);
    expect(h.repo.deploys).toEqual([]);
  });

  it('one approval shown on Telegram and Slack, approved on Slack: the Telegram message is edited too', async () => {
    const slack = await setup();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const onSlack = await slack.waitFor((c) => c.method === 'chat.postMessage' && (c.payload.blocks ?? []).some((b: any) => b.type === 'actions'), 20_000);
    const onTelegram = await h.telegram.waitFor((c) => c.method === 'sendMessage' && c.payload.reply_markup?.inline_keyboard?.length > 0);
    const approve = onSlack.payload.blocks.find((b: any) => b.type === 'actions').elements[0].value;
    await postSigned(h.slackEventsUrl, blockActionsBody(SLACK_FOUNDER, approve, { channel: 'D0FOUNDER1', ts: '1700000000.000100' }, slack.responseUrl('c1')), FORM, SLACK_SIGNING_SECRET);
    const edit = await h.telegram.waitFor((c) => c.method === 'editMessageText');
    expect(edit.payload.message_id).toBe((onTelegram.response.result as { message_id: number }).message_id);
    expect(edit.text).toMatch(/\n\n✅ Approved by ada on slack at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(edit.payload.reply_markup.inline_keyboard).toEqual([]);
    await slack.waitFor((c) => c.method === 'chat.update');
    await h.until(() => h.repo.deploys.length === 1, 20_000, 'deploy');
  });
});
