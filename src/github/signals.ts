/**
 * What GitHub tells AUREA (webhook deliveries, src/github/webhook.ts), turned into AUREA's own
 * actions, each for a repository one of the services names (`services.<name>.github.repo`):
 *
 * - a review or comment mentioning `@aurea` (github.mention) on a task's pull request, by a login in
 *   `founders.github` (or with write access, `github.reviewers: collaborators`) → the task's waiting
 *   approval is answered by that reviewer and the task runs another round with the comment as
 *   feedback; by anyone else → ignored and audited;
 * - a workflow run (or check suite) on a service's base branch that completed with failure → an alert
 *   with 🩺 Diagnose, the failing job's log tail (the failing checks' summaries) as evidence;
 * - a pull request a person merged into a service's base branch, with `deploy.onMerge: propose` → a
 *   deploy proposed in chat (▶ Deploy); AUREA's own task pull requests deploy through their task;
 * - an issue labelled `aurea`, or `@aurea <what to do>` in an issue comment by an allowed login → a
 *   task proposed in chat (▶ Run it), never started by GitHub alone.
 * Text from GitHub is data: it reaches a model only inside the round's feedback frame.
 */
import type { Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import { DIAGNOSE } from '../alerts/service.js';
import { handleApprovalTap, type TapDeps } from '../approvals/tap.js';
import type { Core } from '../core.js';
import { GITHUB_DEPLOY_APPROVAL, GITHUB_TASK_APPROVAL } from './proposals.js';

export type SignalDeps = Pick<Core, 'config' | 'db' | 'log' | 'alerts' | 'approvals' | 'taskStore' | 'github'> & TapDeps;

/** The fields of a webhook payload these handlers read (GitHub's webhook docs; every event carries `repository` and `sender`). */
interface Payload {
  action?: string;
  repository?: { full_name: string };
  sender?: { login: string };
  comment?: { body: string; html_url: string; user: { login: string } };
  review?: { body: string | null; html_url: string; user: { login: string } };
  issue?: { number: number; title: string; body?: string | null; html_url: string; pull_request?: unknown };
  pull_request?: { number: number; title?: string; html_url?: string; merged?: boolean; merge_commit_sha?: string | null; merged_by?: { login: string } | null; head?: { ref: string }; base?: { ref: string } };
  check_suite?: { id: number; head_branch: string | null; head_sha: string; conclusion: string | null; app?: { name: string } | null };
  label?: { name: string };
  workflow_run?: { id: number; name: string | null; head_branch: string | null; head_sha: string; conclusion: string | null; html_url: string; event: string };
}

/** The label that proposes an issue as a task. */
export const TASK_LABEL = 'aurea';
/** A task's branch (graphs/git.ts taskBranch). */
const TASK_BRANCH = /^aurea\/task-(\d+)$/;
/** Conclusions of a completed workflow run that are failures (REST: workflow runs, `conclusion`). */
const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

/**
 * Handles one verified delivery.
 * @param event the `X-GitHub-Event` header (`issue_comment`, `workflow_run`, …)
 * @returns what was done, for the log
 */
export async function handleGithubEvent(deps: SignalDeps, event: string, payload: Payload): Promise<string> {
  const repo = payload.repository?.full_name;
  const service = repo ? Object.entries(deps.config.services).find(([, s]) => s.github?.repo.toLowerCase() === repo.toLowerCase()) : undefined;
  if (!service) return 'not a service repository';
  const [name] = service;
  if (event === 'workflow_run' && payload.action === 'completed') return workflowFailed(deps, name, payload);
  if (event === 'check_suite' && payload.action === 'completed') return checkSuiteFailed(deps, name, payload);
  if (event === 'pull_request' && payload.action === 'closed' && payload.pull_request?.merged) return mergedByPerson(deps, name, payload);
  if (event === 'issues' && payload.action === 'labeled' && payload.label?.name === TASK_LABEL && payload.issue) {
    return proposeTask(deps, name, `${payload.issue.title}${payload.issue.body ? `\n\n${payload.issue.body}` : ''}`, payload.issue.html_url, payload.sender!.login);
  }
  const said =
    event === 'issue_comment' && payload.action === 'created' ? payload.comment
    : event === 'pull_request_review_comment' && payload.action === 'created' ? payload.comment
    : event === 'pull_request_review' && payload.action === 'submitted' && payload.review?.body ? { ...payload.review, body: payload.review.body }
    : undefined;
  if (!said || !mentions(deps, said.body)) return 'nothing for AUREA';
  const login = said.user.login;
  if (!(await allowed(deps, name, login))) {
    await audit(deps.db.pool, githubActor(login), 'github.comment.ignored', `service:${name}`, { url: said.html_url, reason: 'not an allowed login' });
    return `ignored @${login}`;
  }
  const ask = said.body.slice(said.body.toLowerCase().indexOf(deps.config.github.mention.toLowerCase()) + deps.config.github.mention.length).trim();
  const pr = payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
  if (pr === undefined) return proposeTask(deps, name, ask, said.html_url, login);
  return steerTask(deps, name, pr, { login, body: ask || said.body, url: said.html_url });
}

/** A GitHub login as AUREA's actor (`github:<login>`, shown as `@login`). */
export const githubActor = (login: string): Actor => ({ platform: 'github', id: login, name: `@${login}` });

const mentions = (deps: SignalDeps, body: string) => new RegExp(`(^|\\W)${escape(deps.config.github.mention)}(\\W|$)`, 'i').test(body);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `login` may steer AUREA: founders.github, or write access with `github.reviewers: collaborators`. */
async function allowed(deps: SignalDeps, service: string, login: string): Promise<boolean> {
  if (deps.config.github.founders.includes(login.toLowerCase())) return true;
  if (deps.config.github.reviewers !== 'collaborators') return false;
  return (await deps.github.repo(deps.config.services[service]!.github!.repo)).canWrite(login);
}

/**
 * A reviewer's `@aurea …` on a task's pull request: recorded as the task's feedback, and the task's
 * waiting approval is answered by the reviewer (the same road as a tap, src/approvals/tap.ts), which
 * resumes the task into another round. A task that is not waiting for approval (still coding or
 * testing) is left alone, and a reply on GitHub says to comment again once it asks.
 */
async function steerTask(deps: SignalDeps, service: string, pr: number, said: { login: string; body: string; url: string }): Promise<string> {
  const gh = deps.config.services[service]!.github!;
  const repo = await deps.github.repo(gh.repo);
  // The task is the one whose branch is the pull request's head, in this repository (read from
  // GitHub, not from the payload: a fork's branch may be named aurea/task-<id> too).
  const head = await repo.pull(pr);
  const taskId = head.fromRepo?.toLowerCase() === gh.repo.toLowerCase() ? TASK_BRANCH.exec(head.branch)?.[1] : undefined;
  const task = taskId ? await deps.taskStore.get(taskId) : null;
  if (!task || task.status !== 'running' || task.service !== service) {
    await audit(deps.db.pool, githubActor(said.login), 'github.comment.ignored', `service:${service}`, { url: said.url, reason: 'no running task on this pull request' });
    return 'no running task';
  }
  const approval = task.thread_id ? await deps.approvals.latestOfThread(task.thread_id) : null;
  if (approval?.status !== 'pending') {
    await repo.comment(pr, `AUREA: task #${task.id} is still working (it has not asked for approval yet). Comment again once it has.`);
    await audit(deps.db.pool, githubActor(said.login), 'github.comment.ignored', `task:${task.id}`, { url: said.url, reason: 'the task is not waiting for approval' });
    return 'task busy';
  }
  await deps.taskStore.addFeedback(task.id, { source: 'github', author: said.login, body: said.body, url: said.url });
  await audit(deps.db.pool, githubActor(said.login), 'task.review', `task:${task.id}`, { pr, url: said.url });
  const answer = await handleApprovalTap(deps, { kind: 'apv', id: approval.id, verb: 'reject' }, githubActor(said.login));
  return `steered task #${task.id}: ${answer}`;
}

/** A failed workflow run on the service's base branch: an alert with Diagnose and the failing job's log tail. */
async function workflowFailed(deps: SignalDeps, service: string, payload: Payload): Promise<string> {
  const run = payload.workflow_run!;
  const gh = deps.config.services[service]!.github!;
  if (!FAILED.has(run.conclusion ?? '') || run.head_branch !== gh.base) return 'not a failure on the base branch';
  const repo = await deps.github.repo(gh.repo);
  const tail = await repo.failedJobLog(run.id).catch((err: unknown) => {
    deps.log.warn({ err, run: run.id }, 'github: the failed job\'s log could not be read');
    return null;
  });
  const error = `CI workflow "${run.name ?? 'workflow'}" ${run.conclusion} on ${gh.base} (${run.head_sha.slice(0, 7)})`;
  await deps.alerts.raise({
    severity: 'critical',
    source: `github:${gh.repo}`,
    message: `${service}: ${error}. ${run.html_url}`,
    dedupeKey: `github-run:${gh.repo}:${run.id}`,
    details: { service, error, url: run.html_url, ...(tail ? { evidence: `Failing job ${tail.job}, log tail:\n${tail.lines}` } : {}) },
    actions: [DIAGNOSE],
  });
  return `alerted: ${error}`;
}

/** A task proposed in chat from an issue or an issue comment: ▶ Run it starts it. */
async function proposeTask(deps: SignalDeps, service: string, request: string, source: string, login: string): Promise<string> {
  const what = request.trim().slice(0, 2_000);
  if (!what) return 'nothing asked';
  await deps.approvals.request(GITHUB_TASK_APPROVAL, {
    threadId: `github-task:${source}`,
    requestedBy: githubActor(login),
    expiresInMs: deps.config.deploy.approvalTimeoutMs,
    payload: { service, request: what, source },
    title: `Start a task on ${service}? (asked by @${login} on GitHub)`,
    text: `/task ${service} ${what}\n\n${source}`,
    labels: { approve: '▶ Run it', reject: '✖ Not now', plainReject: true },
  });
  return `proposed a task on ${service}`;
}

/** A check suite that failed on the base branch (CI that is not GitHub Actions): an alert with the failing checks' summaries. */
async function checkSuiteFailed(deps: SignalDeps, service: string, payload: Payload): Promise<string> {
  const suite = payload.check_suite!;
  const gh = deps.config.services[service]!.github!;
  if (!FAILED.has(suite.conclusion ?? '') || suite.head_branch !== gh.base) return 'not a failure on the base branch';
  const checks = await (await deps.github.repo(gh.repo)).checks(suite.head_sha).catch(() => null);
  const failing = checks?.checks.filter((c) => c.ok === false) ?? [];
  const error = `checks of ${suite.app?.name ?? 'CI'} ${suite.conclusion} on ${gh.base} (${suite.head_sha.slice(0, 7)})`;
  await deps.alerts.raise({
    severity: 'critical',
    source: `github:${gh.repo}`,
    message: `${service}: ${error}.`,
    dedupeKey: `github-suite:${gh.repo}:${suite.id}`,
    details: { service, error, ...(failing.length ? { evidence: `Failing checks:\n${failing.map((c) => `${c.name}: ${c.summary}`).join('\n')}` } : {}) },
    actions: [DIAGNOSE],
  });
  return `alerted: ${error}`;
}

/** A pull request a person merged into the base branch: a deploy proposed, when `deploy.onMerge: propose`. */
async function mergedByPerson(deps: SignalDeps, service: string, payload: Payload): Promise<string> {
  const pr = payload.pull_request!;
  const gh = deps.config.services[service]!.github!;
  if (pr.base?.ref !== gh.base || TASK_BRANCH.test(pr.head?.ref ?? '')) return 'not a merge to propose';
  if (deps.config.deploy.onMerge !== 'propose') return 'deploy.onMerge is ignore';
  const by = pr.merged_by?.login ?? payload.sender?.login ?? 'someone';
  const source = pr.html_url ?? `https://github.com/${gh.repo}/pull/${pr.number}`;
  await deps.approvals.request(GITHUB_DEPLOY_APPROVAL, {
    threadId: `github-deploy:${gh.repo}#${pr.number}`,
    requestedBy: githubActor(by),
    expiresInMs: deps.config.deploy.approvalTimeoutMs,
    payload: { service, pr: pr.number, source },
    title: `Deploy ${service}? @${by} merged pull request #${pr.number} into ${gh.base}`,
    text: `${pr.title ?? ''}${pr.merge_commit_sha ? ` (${pr.merge_commit_sha.slice(0, 7)})` : ''}\n${source}\n\n▶ Deploy runs /deploy ${service}: its tests, then your approval.`,
    labels: { approve: '▶ Deploy', reject: '✖ Not now', plainReject: true },
  });
  return `proposed a deploy of ${service}`;
}
