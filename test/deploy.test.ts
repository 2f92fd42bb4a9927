import { afterEach, describe, expect, it } from 'vitest';
import { REFUSAL_TEXT } from '../src/access.js';
import { handleTap } from '../src/inbound.js';
import { FOUNDER, STRANGER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness, type HarnessOptions } from './helpers/harness.js';

/** Sends /deploy billing and waits for the approval request; returns it as the founder sees it. */
async function requestDeploy(h: Harness) {
  const before = h.telegram.messagesTo(FOUNDER.id).length;
  h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
  await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).slice(before).some((m) => m.buttons.length > 0), 20_000, 'approval request');
  const msgs = h.telegram.messagesTo(FOUNDER.id).slice(before);
  return { started: msgs[0]!, approval: msgs.find((m) => m.buttons.length > 0)! };
}

function tap(h: Harness, who: typeof FOUNDER, approval: { message_id: number; text: string; buttons: Array<{ text: string; callback_data: string }> }, label: RegExp) {
  const button = approval.buttons.find((b) => label.test(b.text))!;
  return h.telegram.pushUpdate(callbackUpdate(who, button.callback_data, approval));
}

const editsOf = (h: Harness, messageId: number) => h.telegram.callsOf('editMessageText').filter((c) => c.payload.message_id === messageId);

describe('deploy behind an approval', () => {
  let h: Harness;
  const setup = async (options?: HarnessOptions) => {
    h = await Harness.create(options);
    await h.start();
    return h;
  };
  afterEach(() => h?.close());

  it('/deploy → tests → approval with two buttons → Approve → deploy ran once, message edited, audited', async () => {
    await setup();
    const { started, approval } = await requestDeploy(h);
    expect(started.text).toMatch(/Deploy of billing started: running its tests first/);
    expect(approval.text).toMatch(/^Deploy billing\?\nRequested by Ada Founder on telegram\.\nTests: passed in [\d.]+s\n {2}12 tests passed\n\n⏳ Waiting for a founder to decide$/);
    expect(approval.buttons.map((b) => b.text)).toEqual(['✅ Approve', '❌ Reject']);
    expect(h.repo.deploys).toEqual([]);

    const tapId = tap(h, FOUNDER, approval, /Approve/);
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe('Approved. Working on it…');
    const done = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /billing deployed/.test(c.text!), 20_000);
    expect(done.text).toMatch(/✅ billing deployed \(deploy passed in [\d.]+s\), healthy \(HTTP 200\)\./);
    expect(h.repo.deploys).toHaveLength(1);
    expect(h.repo.rollbacks).toHaveLength(0);

    await h.until(() => editsOf(h, approval.message_id).length > 0, 5_000, 'edit');
    const [edit] = editsOf(h, approval.message_id);
    expect(edit!.text).toMatch(/^Deploy billing\?[\s\S]*\n\n✅ Approved by Ada Founder on telegram at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(edit!.payload.reply_markup.inline_keyboard).toEqual([]);

    const approvals = await h.query(`SELECT status, decided_by, decided_via FROM approvals`);
    expect(approvals).toEqual([{ status: 'approved', decided_by: 'Ada Founder', decided_via: 'telegram' }]);
    const audit = await h.until(async () => {
      // The scheduled agents' runs are audited too (agent.run.*): not this deploy's.
      const rows = await h.query<{ action: string }>(`SELECT action FROM audit_log WHERE action NOT LIKE 'agent.run.%' ORDER BY id`);
      return rows.some((r) => r.action === 'deploy.deployed') && rows.map((r) => r.action);
    });
    expect(audit).toEqual(['approval.requested', 'approval.approved', 'deploy.started', 'deploy.deployed']);
    const remembered = await h.until(() => h.query(`SELECT memory_type, content, source FROM ai_persistent_memory`).then((r) => r.length && r));
    expect(remembered).toEqual([{ memory_type: 'decision', content: expect.stringMatching(/^Deployed billing on \d{4}-\d\d-\d\d, approved by Ada Founder; healthy afterwards\.$/), source: 'deploy:billing' }]);
    expect(tapId).toBeGreaterThan(0);
  });

  it('Reject → the deploy script never runs and the message says who rejected', async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    tap(h, FOUNDER, approval, /Reject/);
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe('Rejected. Nothing will change.');
    await h.until(() => h.query(`SELECT 1 FROM audit_log WHERE action = 'deploy.rejected'`).then((r) => r.length > 0), 10_000, 'deploy.rejected');
    await h.until(() => editsOf(h, approval.message_id).length > 0, 5_000, 'edit');
    expect(editsOf(h, approval.message_id)[0]!.text).toMatch(/❌ Rejected by Ada Founder on telegram at/);
    expect(h.repo.deploys).toEqual([]);
    expect((await h.query(`SELECT status FROM approvals`))[0]!.status).toBe('rejected');
  });

  it('an approval tapped after deploy.approvalTimeout expires instead: nothing deploys, the message says so', async () => {
    await setup({ approvalTimeout: '1s' });
    const { approval } = await requestDeploy(h);
    await h.until(() => h.query(`SELECT 1 FROM approvals WHERE expires_at < now()`).then((r) => r.length), 10_000, 'the approval past its expiry');
    tap(h, FOUNDER, approval, /Approve/);
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe('This request expired before a decision; nothing will change. Ask again if it is still wanted.');
    await h.until(() => editsOf(h, approval.message_id).length > 0, 5_000, 'edit');
    expect(editsOf(h, approval.message_id)[0]!.text).toMatch(/\n\n⌛ Expired before anyone decided \(noticed at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\. Nothing changed\.$/);
    await h.until(() => h.query(`SELECT 1 FROM audit_log WHERE action = 'deploy.rejected'`).then((r) => r.length > 0), 10_000, 'graph ended');
    expect(h.repo.deploys).toEqual([]);
    expect((await h.query(`SELECT status FROM approvals`))[0]!.status).toBe('expired');
    expect(await h.query(`SELECT 1 FROM audit_log WHERE action = 'approval.expired'`)).toHaveLength(1);
  });

  it('failing tests stop the deploy before any approval is asked', async () => {
    await setup();
    h.repo.failTests(true);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const msg = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /stopped: tests/.test(c.text!), 20_000);
    expect(msg.text).toMatch(/❌ Deploy of billing stopped: tests failed with exit 1 after [\d.]+s\. Nothing was deployed\.\n {2}FAIL billing\.spec/);
    expect(await h.query(`SELECT * FROM approvals`)).toEqual([]);
    expect(h.repo.deploys).toEqual([]);
  });

  it('a deploy whose health check fails is rolled back and the founder is alerted', async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    h.service.healthy = false; // the new version never becomes healthy
    tap(h, FOUNDER, approval, /Approve/);
    const alert = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /Rolled back/.test(c.text!), 20_000);
    expect(alert.text).toMatch(/^🔴 Deploy of billing failed \(health check failed: HTTP 503\)\. Rolled back: rollback passed in [\d.]+s\.$/);
    expect(h.repo.deploys).toHaveLength(1);
    expect(h.repo.rollbacks).toHaveLength(1);
    const alerts = await h.until(() => h.query(`SELECT severity, source, delivered_at FROM ai_system_alerts WHERE delivered_at IS NOT NULL`).then((r) => r.length && r), 5_000, 'delivered alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', source: 'deploy:billing' });
    expect(alerts[0]!.delivered_at).toBeInstanceOf(Date);
    const actions = (await h.query<{ action: string }>(`SELECT action FROM audit_log ORDER BY id`)).map((r) => r.action);
    expect(actions).toContain('deploy.rolled_back');
    expect(actions).not.toContain('deploy.deployed');
  });

  it('a pending approval survives a restart: Approve in the new process runs the deploy there', async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    await h.stop();
    await h.start();
    tap(h, FOUNDER, approval, /Approve/);
    await h.telegram.waitFor((c) => c.method === 'sendMessage' && /billing deployed/.test(c.text!), 20_000);
    expect(h.repo.deploys).toHaveLength(1);
    // The approval node re-ran on resume but did not ask again.
    expect(h.telegram.callsOf('sendMessage', FOUNDER.id).filter((c) => c.payload.reply_markup?.inline_keyboard?.length)).toHaveLength(1);
  });

  it('a second /deploy of a service whose deploy waits for approval is refused', async () => {
    await setup();
    await requestDeploy(h);
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    expect(await h.telegram.nthMessage(FOUNDER.id, before + 1)).toMatch(/^A deploy of billing is already waiting for approval \(asked at \d{4}-\d\d-\d\d \d\d:\d\d UTC\); approve or reject it first\.$/);
    await h.settled();
    expect(await h.query(`SELECT id FROM approvals`)).toHaveLength(1);
  });

  it('two Approve taps at once deploy once; the second tap is told who decided', async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    tap(h, FOUNDER, approval, /Approve/);
    tap(h, FOUNDER, approval, /Approve/);
    await h.telegram.waitFor((c) => c.method === 'sendMessage' && /billing deployed/.test(c.text!), 20_000);
    await h.until(() => h.telegram.callsOf('answerCallbackQuery').length === 2, 5_000, 'two answers');
    const answers = h.telegram.callsOf('answerCallbackQuery').map((c) => c.text!).sort();
    expect(answers[0]).toMatch(/^Already decided: ✅ Approved by Ada Founder on telegram/);
    expect(answers[1]).toBe('Approved. Working on it…');
    await h.settled();
    expect(h.repo.deploys).toHaveLength(1);
  });

  it('two decisions racing outside the chat ordering (as two processes would) still resume once', async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    const data = approval.buttons.find((b) => /Approve/.test(b.text))!.callback_data;
    const core = h.app!.core;
    const actor = { platform: 'telegram' as const, id: String(FOUNDER.id), name: 'Ada Founder' };
    const chat = { channel: 'telegram', chatId: String(FOUNDER.id) };
    const answers = await Promise.all([handleTap(core, actor, data, chat), handleTap(core, actor, data, chat), handleTap(core, actor, data, chat)]);
    expect(answers.filter((a) => a === 'Approved. Working on it…')).toHaveLength(1);
    await h.telegram.waitFor((c) => c.method === 'sendMessage' && /billing deployed/.test(c.text!), 20_000);
    await h.settled();
    expect(h.repo.deploys).toHaveLength(1);
    expect(await h.query(`SELECT 1 FROM audit_log WHERE action = 'approval.approved'`)).toHaveLength(1);
  });

  it("a non-founder's tap is refused and audited, and nothing is deployed", async () => {
    await setup();
    const { approval } = await requestDeploy(h);
    tap(h, STRANGER, approval, /Approve/);
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe(REFUSAL_TEXT);
    const refused = await h.until(() => h.query(`SELECT details FROM audit_log WHERE action = 'access.refused'`).then((r) => r.length && r));
    expect(refused[0]!.details.attempted).toMatch(/^button apv:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:approve$/);
    await h.settled();
    expect(h.repo.deploys).toEqual([]);
    expect((await h.query(`SELECT status FROM approvals`))[0]!.status).toBe('pending');
  });
});
