/**
 * Tasks as GitHub pull requests, against a fake GitHub REST API on 127.0.0.1 that Octokit talks to
 * unmodified (every response checked against GitHub's OpenAPI description) and a real bare git
 * repository served by `git http-backend` that takes pushes only with the token. What the founder
 * sees in Telegram, what reached GitHub, and what persisted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TOKEN_HELPER } from '../graphs/git.js';
import { runDoctor } from '../src/cli/doctor.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown, tapAnswer } from './helpers/chat.js';
import { deliver, githubHarness, green, payload, REPO, texts } from './helpers/github-harness.js';

describe(`tasks as GitHub pull requests (${BACKEND})`, () => {
  const track = closedAfterEach();

  async function setUp(options: Parameters<typeof githubHarness>[0] = {}) {
    return track(await githubHarness(options));
  }

  it('a task opens a draft PR with its plan; a failing check feeds round 2; green → approval with the link and checks → Approve → ready, merged with the approved head, deployed, verified', async () => {
    const { h, github, remote, anthropic } = await setUp();
    let first: string | undefined;
    github.checks = (sha) => {
      first ??= sha;
      return sha === first ? [{ name: 'build', status: 'success' }, { name: 'lint', status: 'failure', title: '1 problem', summary: 'NOTES:1 says v1, expected v2' }] : green;
    };
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const approval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    const pr = github.pulls.get(1)!;
    const head = remote.head('aurea/task-1')!;
    expect(approval.text).toContain(`Pull request #1: https://github.com/${REPO}/pull/1 (head ${head.slice(0, 7)})\nChecks:\n  ✓ build\n  ✓ lint`);
    expect(approval.text).toMatch(/Tests, as AUREA measured them: exit 0 after [\d.]+s, 1 line of output, round 2\/3/);

    // The draft, as GitHub got it: one pull request for both rounds, its body the plan.
    expect(github.callsTo('POST', '/repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(github.callsTo('POST', '/repos/{owner}/{repo}/pulls')[0]!.body).toMatchObject({ head: 'aurea/task-1', base: 'main', draft: true, title: 'Add a NOTES file (AUREA task #1)' });
    expect(pr.body).toMatch(/^add a NOTES file\n\n\*\*Plan:\*\* Add a NOTES file\n1\. Write NOTES\n2\. Run the tests\n\n\*\*Files:\*\* `NOTES`\n\*\*Risk:\*\* low\n\*\*Tests, as AUREA measured them:\*\* exit 0 after [\d.]+s, 1 line of output \(round 2\)\n\*\*Model cost:\*\* \$0\.\d{4}\n\nAUREA task #1 on billing, requested by Ada Founder\./);
    expect(pr.draft).toBe(true);
    // The failing check reached the developer as data, and round 2 fixed it.
    const round2 = anthropic.calls.map((c) => texts(c.body)[0]!).find((t) => t.includes('checks failed'))!;
    expect(round2).toContain("The pull request's checks failed on your last change (what they reported):\n<output>\nlint: 1 problem: NOTES:1 says v1, expected v2\n</output>");
    expect(execFileSync('git', ['show', `${head}:NOTES`], { cwd: remote.dir, encoding: 'utf8' })).toBe('notes v2\n');
    expect(h.repo.deploys).toEqual([]);

    expect(await tapAnswer(h, approval, /Approve/)).toBe('Approved. Working on it…');
    await shown(h, /^✅ Task #1 on billing deployed and verified/, { timeoutMs: 30_000 });
    const merge = github.callsTo('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge');
    expect(merge.map((c) => c.body)).toEqual([{ sha: head, merge_method: 'squash', commit_title: 'Add a NOTES file (#1)' }]);
    expect(github.callsTo('POST', '/graphql')).toHaveLength(1);
    expect(pr).toMatchObject({ draft: false, merged: true, state: 'closed' });
    // The merge on GitHub is what the checkout deploys.
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir, encoding: 'utf8' }).trim()).toBe(pr.mergeSha);
    expect(readFileSync(join(h.repo.dir, 'NOTES'), 'utf8')).toBe('notes v2\n');
    expect(h.repo.deploys).toHaveLength(1);

    const progress = h.telegram.callsOf('editMessageText').map((c) => c.text!).filter((t) => t.startsWith('Task #1 on billing'));
    expect(progress.at(-1)).toBe('Task #1 on billing\nadd a NOTES file\n\nplan ✓ · code ✓ · test 2/3 ✓→✓ · checks ✗→✓ · approve ✓ · deploy ✓ · verify ✓');
    const audited = await h.query<{ action: string }>(`SELECT action FROM audit_log WHERE target = 'task:1' AND action LIKE 'task.pr.%' ORDER BY id`);
    expect(audited.map((a) => a.action)).toEqual(['task.pr.pushed', 'task.pr.checks', 'task.pr.pushed', 'task.pr.checks', 'task.pr.merged']);
    expect(github.invalid).toEqual([]);
    // The token went only through the credential helper: never in the remote's URL or the config.
    expect(execFileSync('git', ['config', '--list'], { cwd: h.repo.dir, encoding: 'utf8' })).not.toContain(github.token);
  });

  it('a commit pushed to the branch after the request → the merge is refused and the founder asked again; Reject closes the pull request saying who', async () => {
    const { h, github, remote } = await setUp();
    // Checks still running on the first two reads: the run waits for them (off its worker).
    let reads = 0;
    github.checks = () => (++reads <= 2 ? [{ name: 'build', status: 'in_progress' }] : green);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const approval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    expect(h.telegram.callsOf('editMessageText').map((c) => c.text!)).toContain('Task #1 on billing\nadd a NOTES file\n\nplan ✓ · code ✓ · test 1/3 ✓ · checks ⏳ · approve · deploy · verify');
    expect(reads).toBeGreaterThanOrEqual(3);
    const approvedHead = remote.head('aurea/task-1')!;
    const pushed = remote.commitOn('aurea/task-1', 'EXTRA', 'from a teammate\n');

    expect(await tapAnswer(h, approval, /Approve/)).toBe('Approved. Working on it…');
    const warning = await shown(h, /^⚠️ Task #1: its branch aurea\/task-1 \(pull request #1\) changed after you approved/, { timeoutMs: 30_000 });
    expect(warning.text).toContain(`you approved ${approvedHead.slice(0, 7)}; it is now at ${pushed.slice(0, 7)}`);
    const again = await shown(h, /^Task #1: deploy to billing\?/, { nth: 2, timeoutMs: 60_000 });
    expect(again.text).toContain(`(head ${pushed.slice(0, 7)})`);
    expect(github.pulls.get(1)!.merged).toBe(false);
    expect(h.repo.deploys).toEqual([]);

    expect(await tapAnswer(h, again, /Reject/)).toBe('Rejected. Nothing will change.');
    await shown(h, /^❌ Task #1 on billing was not deployed: rejected by Ada Founder\.$/, { timeoutMs: 30_000 });
    expect(github.pulls.get(1)).toMatchObject({ state: 'closed', merged: false });
    expect(github.comments).toEqual([{ issue: 1, body: 'AUREA closed this pull request: task #1 was rejected by Ada Founder in chat.' }]);
    await h.settled();
    expect(h.repo.deploys).toEqual([]);
    expect(github.invalid).toEqual([]);
  });

  it('/cancel while the checks run closes the pull request, saying so on GitHub', async () => {
    const { h, github } = await setUp();
    github.checks = () => [{ name: 'e2e', status: 'in_progress' }];
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => c.text!.includes('checks ⏳')), 60_000, 'waiting for the checks');
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/cancel 1'));
    await shown(h, /^⏹ Task #1 on billing cancelled by Ada Founder/, { timeoutMs: 30_000 });
    expect(github.pulls.get(1)).toMatchObject({ state: 'closed', merged: false });
    expect(github.comments).toEqual([{ issue: 1, body: 'AUREA closed this pull request: task #1 cancelled by Ada Founder; the deploy branch is untouched.' }]);
    expect(await h.query(`SELECT status FROM tasks WHERE id = 1`)).toEqual([{ status: 'cancelled' }]);
    expect(h.repo.deploys).toEqual([]);
  });

  it('checks still running when github.checksTimeout passes: the founder is asked anyway, and told which still ran', async () => {
    const { h, github } = await setUp({ checksTimeout: '1s' });
    github.checks = () => [{ name: 'build', status: 'success' }, { name: 'e2e', status: 'in_progress' }];
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const approval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    expect(approval.text).toContain('Checks (github.checksTimeout passed while some still ran):\n  ✓ build\n  … e2e');
    expect(await h.query(`SELECT details->>'state' AS state FROM audit_log WHERE action = 'task.pr.checks'`)).toEqual([{ state: 'pending' }]);
  });

  it('a review comment "@aurea also handle the empty case" by an allowed login → another round on the same branch → approval again; by a stranger → nothing but an audit row; a redelivery is handled once; a bad signature → 401', async () => {
    const { h, github, remote, anthropic } = await setUp();
    github.checks = () => green;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const first = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    const comment = (login: string) =>
      payload('pull_request_review_comment', 'created', (p) => {
        Object.assign(p.comment, { body: '@aurea also handle the empty case', user: { ...p.comment.user, login } });
        Object.assign(p.pull_request, { number: 1, head: { ...p.pull_request.head, ref: 'aurea/task-1' } });
      });

    // A forged delivery: refused, nothing stored, nothing asked.
    const forged = await deliver(h, 'pull_request_review_comment', comment('ada-gh'), { secret: 'not-the-secret-000000000000' });
    expect(forged.status).toBe(401);
    expect(await h.query(`SELECT count(*)::int AS n FROM processed_updates WHERE platform = 'github'`)).toEqual([{ n: 0 }]);

    const steered = await deliver(h, 'pull_request_review_comment', comment('ada-gh'));
    expect(steered.status).toBe(202);
    expect(await deliver(h, 'pull_request_review_comment', comment('ada-gh'), { delivery: steered.delivery })).toMatchObject({ status: 200, body: { duplicate: true } });
    await shown(h, /^💬 Task #1: @ada-gh asked for changes on pull request #1 \(@ada-gh: also handle the empty case\)\. Round 2 starts; I will ask you again\.$/);
    const again = await shown(h, /^Task #1: deploy to billing\?/, { nth: 2, timeoutMs: 60_000 });
    const head = remote.head('aurea/task-1')!;
    expect(again.text).toContain(`(head ${head.slice(0, 7)})`);
    expect(execFileSync('git', ['show', `${head}:NOTES`], { cwd: remote.dir, encoding: 'utf8' })).toBe('notes v3\n');
    const asked = anthropic.calls.map((c) => texts(c.body)[0]!).find((t) => t.includes('asked for changes'))!;
    expect(asked).toContain('A reviewer asked for changes on the pull request (what they wrote):\n<comment>\n@ada-gh: also handle the empty case\n</comment>');
    // The first request was answered by the reviewer, on every channel it was shown on.
    expect(await h.query(`SELECT status, decider FROM approvals WHERE kind = 'task' ORDER BY created_at`)).toEqual([
      { status: 'rejected', decider: 'github:ada-gh' },
      { status: 'pending', decider: null },
    ]);
    expect(first.text).toMatch(/^Task #1: deploy to billing\?/);
    expect(github.callsTo('POST', '/repos/{owner}/{repo}/pulls')).toHaveLength(1);

    // A stranger's mention: ignored, audited, nothing else.
    const stranger = await deliver(h, 'pull_request_review_comment', comment('mallory'));
    expect(stranger.status).toBe(202);
    await h.settled();
    expect(await h.query(`SELECT action, actor, details->>'reason' AS reason FROM audit_log WHERE action = 'github.comment.ignored'`)).toEqual([
      { action: 'github.comment.ignored', actor: 'github:mallory', reason: 'not an allowed login' },
    ]);
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /^Task #1: deploy to billing\?/.test(m.text))).toHaveLength(2);
    expect(await h.query(`SELECT author, body FROM task_feedback`)).toEqual([{ author: 'ada-gh', body: 'also handle the empty case' }]);
    const progress = h.telegram.callsOf('editMessageText').map((c) => c.text!).filter((t) => t.startsWith('Task #1 on billing'));
    expect(progress.at(-1)).toMatch(/test 2\/3 ✓→✓ · checks ✓→✓ · approve ⏳/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/tasks'));
    const listed = await shown(h, /#1 billing: add a NOTES file/);
    expect(listed.text).toMatch(/running, 2 round\(s\)/);
    expect(github.invalid).toEqual([]);
  });

  it('github.reviewers: collaborators: a login with write access steers the task; one with read access is ignored', async () => {
    const { h, github } = await setUp({ reviewers: 'collaborators' });
    github.checks = () => green;
    github.collaborators = { 'grace-gh': 'write', 'reader-gh': 'read' };
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    const comment = (login: string) =>
      payload('issue_comment', 'created', (p) => {
        Object.assign(p.comment, { body: '@aurea please also handle the empty case', user: { ...p.comment.user, login } });
        Object.assign(p.issue, { number: 1, pull_request: { url: `https://api.github.com/repos/${REPO}/pulls/1` } });
      });
    expect((await deliver(h, 'issue_comment', comment('reader-gh'))).status).toBe(202);
    expect((await deliver(h, 'issue_comment', comment('grace-gh'))).status).toBe(202);
    await shown(h, /^💬 Task #1: @grace-gh asked for changes on pull request #1/);
    await shown(h, /^Task #1: deploy to billing\?/, { nth: 2, timeoutMs: 60_000 });
    expect(await h.query(`SELECT actor FROM audit_log WHERE action = 'github.comment.ignored'`)).toEqual([{ actor: 'github:reader-gh' }]);
    expect(await h.query(`SELECT author FROM task_feedback`)).toEqual([{ author: 'grace-gh' }]);
    expect(github.invalid).toEqual([]);
  });

  it('GitHub signals in chat: a failed workflow run on main → an alert whose Diagnose shows the failing job\'s log tail; "@aurea <what to do>" on an issue → a task proposed with ▶ Run it', async () => {
    const { h, github } = await setUp();
    github.runJobs.set(30433642, [
      { name: 'build', conclusion: 'success', log: 'ok\n' },
      { name: 'test', conclusion: 'failure', log: 'npm test\n  billing.spec: expected 200, got 500\nError: Process completed with exit code 1.\n' },
    ]);
    const failed = payload('workflow_run', 'completed', (p) => Object.assign(p.workflow_run, { id: 30433642, name: 'CI', conclusion: 'failure', head_branch: 'main', html_url: `https://github.com/${REPO}/actions/runs/30433642` }));
    expect((await deliver(h, 'workflow_run', failed)).status).toBe(202);
    const alert = await shown(h, /CI workflow "CI" failure on main/);
    expect(alert.text).toMatch(new RegExp(`^🔴 billing: CI workflow "CI" failure on main \\([0-9a-f]{7}\\)\\. https://github.com/${REPO}/actions/runs/30433642`));
    expect(alert.buttons.map((b) => b.text)).toContain('🩺 Diagnose');
    await tapAnswer(h, alert, /Diagnose/);
    const diagnosis = await shown(h, /^🩺 Diagnosis: billing/, { timeoutMs: 30_000 });
    expect(diagnosis.text).toContain('Failing job test, log tail:\n  npm test\n    billing.spec: expected 200, got 500\n  Error: Process completed with exit code 1.');
    // A success, or a failure on another branch, says nothing.
    expect((await deliver(h, 'workflow_run', payload('workflow_run', 'completed', (p) => Object.assign(p.workflow_run, { id: 1, conclusion: 'failure', head_branch: 'feature' })))).status).toBe(202);

    const asked = payload('issue_comment', 'created', (p) => {
      Object.assign(p.comment, { body: '@aurea add a NOTES file for the release', user: { ...p.comment.user, login: 'ada-gh' } });
      delete p.issue.pull_request;
    });
    expect((await deliver(h, 'issue_comment', asked)).status).toBe(202);
    const proposal = await shown(h, /^Start a task on billing\? \(asked by @ada-gh on GitHub\)/);
    expect(proposal.text).toContain('/task billing add a NOTES file for the release');
    expect(proposal.buttons.map((b) => b.text)).toEqual(['▶ Run it', '✖ Not now']);
    await h.settled();
    expect(await h.query('SELECT count(*)::int AS n FROM tasks')).toEqual([{ n: 0 }]);
    // An issue labelled `aurea`: proposed the same way, its title and body the request.
    const labelled = payload('issues', 'labeled', (p) => {
      Object.assign(p.issue, { title: 'Add a CHANGELOG file', body: 'One line per release.', html_url: `https://github.com/${REPO}/issues/9` });
      p.label = { ...p.label, name: 'aurea' };
    });
    expect((await deliver(h, 'issues', labelled)).status).toBe(202);
    const fromIssue = await shown(h, /^Start a task on billing\? \(asked by @\S+ on GitHub\)\n\/task billing Add a CHANGELOG file/);
    expect(fromIssue.text).toContain('One line per release.');
    expect(await tapAnswer(h, proposal, /Run it/)).toBe('Starting the task…');
    await h.until(async () => (await h.query('SELECT 1 FROM tasks')).length === 1, 10_000, 'the task');
    expect(await h.query('SELECT service, request, requested_by FROM tasks')).toEqual([{ service: 'billing', request: 'add a NOTES file for the release', requested_by: `telegram:${FOUNDER.id}` }]);
    expect(github.invalid).toEqual([]);
  });

  it('a pull request a person merged into main, with deploy.onMerge: propose → ▶ Deploy in chat → the checkout takes the merge, tests, asks, deploys; a failed check suite on main → an alert', async () => {
    const { h, github, remote } = await setUp({ onMerge: 'propose' });
    const merged = remote.commitOn('main', 'CHANGELOG', 'v1.1: faster invoices\n');
    const closed = payload('pull_request', 'closed', (p) => {
      Object.assign(p.pull_request, { number: 7, merged: true, merge_commit_sha: merged, title: 'Faster invoices', html_url: `https://github.com/${REPO}/pull/7`, merged_by: { ...p.sender, login: 'grace-gh' } });
      p.pull_request.base = { ...p.pull_request.base, ref: 'main' };
      p.pull_request.head = { ...p.pull_request.head, ref: 'faster-invoices' };
    });
    expect((await deliver(h, 'pull_request', closed)).status).toBe(202);
    const proposal = await shown(h, /^Deploy billing\? @grace-gh merged pull request #7 into main/);
    expect(proposal.text).toContain(`Faster invoices (${merged.slice(0, 7)})\nhttps://github.com/${REPO}/pull/7`);
    expect(proposal.buttons.map((b) => b.text)).toEqual(['▶ Deploy', '✖ Not now']);
    expect(await tapAnswer(h, proposal, /Deploy/)).toBe('Starting the deploy…');
    const approval = await shown(h, /^Deploy billing\?\n/, { timeoutMs: 30_000 });
    expect(await tapAnswer(h, approval, /Approve/)).toBe('Approved. Working on it…');
    await h.until(async () => h.repo.deploys.length === 1, 30_000, 'the deploy');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir, encoding: 'utf8' }).trim()).toBe(merged);

    github.checks = () => [{ name: 'e2e', status: 'failure', title: 'Checkout flow', summary: '3 of 40 failed' }];
    const suite = payload('check_suite', 'completed', (p) => Object.assign(p.check_suite, { id: 99, head_branch: 'main', head_sha: merged, conclusion: 'failure', app: { ...p.check_suite.app, name: 'Buildkite' } }));
    expect((await deliver(h, 'check_suite', suite)).status).toBe(202);
    const alert = await shown(h, /billing: checks of Buildkite failure on main/);
    expect(alert.buttons.map((b) => b.text)).toContain('🩺 Diagnose');
    expect(await h.query(`SELECT details->>'evidence' AS evidence FROM ai_system_alerts WHERE source = 'github:${REPO}'`)).toEqual([{ evidence: 'Failing checks:\ne2e: Checkout flow: 3 of 40 failed' }]);
    expect(github.invalid).toEqual([]);
  });

  it('as a GitHub App: the installation is found by repository, its token opens the pull request and pushes, and the doctor is content', async () => {
    const { h, github, remote } = await setUp({ app: true });
    github.checks = () => green;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    expect(remote.head('aurea/task-1')).not.toBeNull();
    expect(github.callsTo('GET', '/repos/{owner}/{repo}/installation')).toHaveLength(1);
    expect(github.callsTo('POST', '/app/installations/{installation_id}/access_tokens').length).toBeGreaterThanOrEqual(1);
    expect(github.callsTo('POST', '/repos/{owner}/{repo}/pulls')).toEqual([expect.objectContaining({ status: 201 })]);
    const lines: string[] = [];
    await runDoctor(h.config, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/✓ github billing +acme\/billing: push, pull requests and checks readable/);
    expect(github.invalid).toEqual([]);
  });

  it('github.poll without webhooks: a failed run on main and "@aurea …" on an issue, read through the API, each acted on once however many polls see them', async () => {
    const { h, github } = await setUp({ poll: '300ms' });
    const polls = () => github.callsTo('GET', '/repos/{owner}/{repo}/actions/runs').length;
    await h.until(async () => polls() >= 1, 10_000, 'a first poll');
    github.runJobs.set(555, [{ name: 'test', conclusion: 'failure', log: 'FAIL billing.spec\n' }]);
    github.workflowRuns.push({ id: 555, name: 'CI', conclusion: 'failure', head_branch: 'main', head_sha: 'a'.repeat(40) });
    github.issueComments.push({ id: 901, issue: 5, body: '@aurea add a NOTES file', login: 'ada-gh' }, { id: 902, issue: 5, body: '@aurea delete everything', login: 'mallory' });
    const alert = await shown(h, /^🔴 billing: CI workflow "CI" failure on main/, { timeoutMs: 20_000 });
    expect(alert.buttons.map((b) => b.text)).toContain('🩺 Diagnose');
    await shown(h, /^Start a task on billing\? \(asked by @ada-gh on GitHub\)/, { timeoutMs: 20_000 });
    const after = polls();
    await h.until(async () => polls() >= after + 3, 20_000, 'three more polls');
    await h.settled();
    const messages = h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
    expect(messages.filter((t) => /CI workflow "CI" failure/.test(t))).toHaveLength(1);
    expect(messages.filter((t) => /^Start a task on billing\?/.test(t))).toHaveLength(1);
    expect(await h.query(`SELECT actor FROM audit_log WHERE action = 'github.comment.ignored'`)).toEqual([{ actor: 'github:mallory' }]);
    expect(github.invalid).toEqual([]);
  });

  it('deploy: on-merge: after the merge AUREA waits until the health endpoint reports the merged commit, then verifies; no deploy command runs', async () => {
    const { h, github } = await setUp({ deployCommand: 'on-merge', healthVersion: '$.sha' });
    // No checks configured on GitHub: nothing waits, and the approval says so.
    // The platform deploys a merge a moment after it happens.
    github.onMerged = (pull) => void setTimeout(() => (h.service.version = pull.mergeSha!.slice(0, 12)), 700);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const approval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    expect(approval.text).toMatch(/\(head [0-9a-f]{7}\)\nChecks: none configured on GitHub\./);
    expect(await tapAnswer(h, approval, /Approve/)).toBe('Approved. Working on it…');
    const done = await shown(h, /^✅ Task #1 on billing deployed and verified/, { timeoutMs: 30_000 });
    expect(done.text).toContain(`deployed ${github.pulls.get(1)!.mergeSha!.slice(0, 7)}`);
    expect(h.repo.deploys).toEqual([]);
    expect(h.service.version).toBe(github.pulls.get(1)!.mergeSha!.slice(0, 12));
  });

  it('deploy: on-merge with a health endpoint that never reports the merge → the task stops saying so and offers a rollback; approved, it is a revert pull request merged on GitHub', async () => {
    const { h, github, remote } = await setUp({ deployCommand: 'on-merge', healthVersion: '$.sha', onMergeTimeout: '1s' });
    github.checks = () => green;
    h.service.version = 'f'.repeat(40);
    const before = remote.head('main')!;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a NOTES file'));
    const approval = await shown(h, /^Task #1: deploy to billing\?/, { timeoutMs: 60_000 });
    await tapAnswer(h, approval, /Approve/);
    const merged = await h.until(async () => github.pulls.get(1)?.mergeSha, 30_000, 'the merge');
    const stopped = await shown(h, /^⏹ Task #1 on billing stopped: billing did not report/, { timeoutMs: 30_000 });
    expect(stopped.text).toContain(`billing did not report ${merged!.slice(0, 7)} within 1s of the merge (it reports ffffffffffffffffffffffffffffffffffffffff at $.sha): the platform may not have deployed it; a rollback is offered.`);
    const offer = await shown(h, /^Roll back billing to [0-9a-f]{7}\?/, { timeoutMs: 30_000 });
    expect(offer.text).toContain(`reverts ${merged!.slice(0, 7)} on GitHub by a pull request merged at once; the platform then deploys it.`);
    await tapAnswer(h, offer, /Roll back/);
    await h.until(async () => github.pulls.get(2)?.merged === true, 30_000, 'the revert merged');
    const revert = github.pulls.get(2)!;
    expect(revert).toMatchObject({ head: 'aurea/revert-task-1', base: 'main', draft: false, title: `Revert ${merged!.slice(0, 7)} (AUREA rollback of task-1)` });
    // The base branch's tree is back to what it was before the task.
    const tree = (ref: string) => execFileSync('git', ['rev-parse', `${ref}^{tree}`], { cwd: remote.dir, encoding: 'utf8' }).trim();
    expect(tree('main')).toBe(tree(before));
    expect(h.repo.deploys).toEqual([]);
    expect(github.invalid).toEqual([]);
  });

  it('aurea doctor checks the token on each GitHub service and names the missing permission', async () => {
    const { h, github } = await setUp();
    const doctor = async () => {
      const lines: string[] = [];
      await runDoctor(h.config, (l) => lines.push(l));
      return lines.join('\n');
    };
    expect(await doctor()).toMatch(/✓ github billing +acme\/billing: push, pull requests and checks readable/);
    github.permissions = { ...github.permissions, push: false };
    github.checksReadable = false;
    expect(await doctor()).toMatch(
      /✗ github billing +acme\/billing: missing Contents: read and write \(push\), Pull requests: read and write; Checks: read\n +→ fix: give GITHUB_TOKEN access to acme\/billing with these permissions/,
    );
    expect(github.invalid).toEqual([]);
  });

  it('the credential helper gives the token to the origin\'s host only (a remote that redirects elsewhere gets nothing)', () => {
    const fill = (host: string) =>
      execFileSync('git', ['-c', 'credential.helper=', '-c', `credential.helper=${TOKEN_HELPER}`, 'credential', 'fill'], {
        input: `protocol=https\nhost=${host}\npath=acme/billing.git\n\n`,
        env: { ...process.env, AUREA_GIT_TOKEN: 'github_pat_secret', AUREA_GIT_HOST: 'github.com', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false' },
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    expect(fill('github.com')).toContain('password=github_pat_secret');
    expect(() => fill('evil.example')).toThrow();
  });

  it('the git endpoint takes no push without the token', async () => {
    const { h, remote } = await setUp();
    // Asynchronously: the git endpoint is served by this same process.
    const push = promisify(execFile)('git', ['-c', 'credential.helper=', 'push', '-q', remote.url('billing'), 'HEAD:refs/heads/intruder'], { cwd: h.repo.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    await expect(push).rejects.toThrow(/could not read Username|Authentication failed/);
    expect(remote.refused).toContain('GET /billing.git/info/refs?service=git-receive-pack');
    expect(remote.head('intruder')).toBeNull();
  });
});
