import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { describeError } from '../../../src/errors.js';
import type { Check } from '../../../src/github/repo.js';
import { gitWithToken } from '../../git.js';
import { measuredStep, RunWaitsError } from '../../steps.js';
import { cancelled } from '../cancel.js';
import type { TaskDeps } from '../deps.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/** A check's line: `✓ build`, `✗ lint: 2 errors`, `… e2e`. */
export const checkLine = (c: Check) => (c.ok === null ? `… ${c.name}` : c.ok ? `✓ ${c.name}` : `✗ ${c.name}: ${c.summary.split('\n')[0]!.slice(0, 200)}`);

/**
 * A service on GitHub (`services.<name>.github`): pushes the round's commit to `aurea/task-<id>` on
 * the repository's remote (the token through a credential helper, graphs/git.ts), opens a draft
 * pull request (or updates the task's open one), then reads the checks of that commit until they
 * end or `github.checksTimeout` passes. While they run the run waits off its worker (RunWaitsError:
 * a `continue` job reads them again after `github.checksInterval`). Push and opening happen once per
 * commit (journalled). A failing check becomes the next round's feedback, like a failing test; on
 * the last round the task stops saying so.
 */
export function pullRequestNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    const svc = deps.config.services[state.service]!;
    const gh = svc.github!;
    const threadId = String(config.configurable?.thread_id);
    const round = state.rounds.at(-1)!;
    const commit = round.commit!;
    const repo = await deps.github.repo(gh.repo);
    const open = async () => {
      await gitWithToken(svc.repo, await repo.token(), 'push', '-q', 'origin', `${commit}:refs/heads/${state.worktree!.branch}`);
      const pr = await repo.openDraft({ head: state.worktree!.branch, base: gh.base, title: `${state.plan!.summary} (AUREA task #${state.taskId})`, body: await pullRequestBody(deps, state) });
      await audit(deps.db.pool, state.requestedBy, 'task.pr.pushed', `task:${state.taskId}`, { service: state.service, pr: pr.number, commit });
      return { number: pr.number, url: pr.url, nodeId: pr.nodeId, at: new Date().toISOString() };
    };
    // Once per commit; both steps are idempotent (the same push; the task's open pull request is
    // updated, not opened twice), so one a crash interrupted is simply done again.
    const step = await deps.journal.run(threadId, `pr:${commit}`, open);
    const { at, ...pr } = step.kind === 'done' ? step.result : { ...(await open()), at: step.startedAt.toISOString() };
    const found = await repo.checks(commit);
    const waited = Date.now() - Date.parse(at);
    if (found.state === 'pending' && waited < deps.config.github.checksTimeoutMs) {
      if (await deps.journal.mark(threadId, `checks-wait:${commit}`)) await showProgress(deps, { ...state, pr }, 'checks');
      throw new RunWaitsError(`the checks of pull request #${pr.number} are running`, deps.config.github.checksIntervalMs);
    }
    const checks = { state: found.state, checks: found.checks, ...(found.state === 'pending' ? { timedOut: true } : {}) };
    await audit(deps.db.pool, state.requestedBy, 'task.pr.checks', `task:${state.taskId}`, { pr: pr.number, commit, state: found.state, failed: found.checks.filter((c) => c.ok === false).map((c) => c.name) });
    let rounds = state.rounds.map((r, i) => (i === state.rounds.length - 1 ? { ...r, checks } : r));
    const update: TaskUpdate = { pr, rounds };
    if (found.state === 'failure') {
      const failing = found.checks.filter((c) => c.ok === false);
      const feedback = `The pull request's checks failed on your last change (what they reported):\n<output>\n${failing.map((c) => `${c.name}: ${c.summary}`).join('\n')}\n</output>\nFix it.`;
      rounds = rounds.map((r, i) => (i === rounds.length - 1 ? { ...r, feedback } : r));
      update.rounds = rounds;
      if (rounds.length >= deps.config.tasks.maxRounds) update.stopReason = `the pull request's checks still failed after ${rounds.length} rounds (tasks.maxRounds): ${failing.map((c) => c.name).join(', ')}`;
    }
    await showProgress(deps, { ...state, ...update }, found.state === 'failure' ? (update.stopReason ? undefined : 'code') : 'approve');
    return update;
  };
}

/** The pull request's description: the plan, files, risk, the tests as AUREA measured them, model cost, the task. */
async function pullRequestBody(deps: TaskDeps, state: TaskStateType): Promise<string> {
  const plan = state.plan!;
  const test = state.rounds.at(-1)!.test;
  const cost = await deps.ledger.costOf(`task:${state.taskId}`);
  return [
    `${state.request}`,
    '',
    `**Plan:** ${plan.summary}`,
    ...plan.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    `**Files:** ${plan.files.map((f) => `\`${f}\``).join(', ') || '(see the diff)'}`,
    `**Risk:** ${plan.risk}`,
    `**Tests, as AUREA measured them:** ${test ? measuredStep(test) : 'not run'} (round ${state.rounds.length})`,
    `**Model cost:** $${cost.toFixed(4)}`,
    '',
    `AUREA task #${state.taskId} on ${state.service}, requested by ${state.requestedBy.name}. The founder approves it in chat; mention ${deps.config.github.mention} in a review or comment to ask for changes.`,
  ].join('\n');
}

/**
 * Closes the task's pull request when the task ends without merging it, with a comment saying why
 * (rejected in chat and by whom, cancelled, stopped). Never throws: a failure is logged and the
 * founders are told in the task's last message.
 * @returns '' or a sentence for the founders when GitHub could not be told
 */
export async function closePullRequest(deps: TaskDeps, state: TaskStateType, why: string): Promise<string> {
  const svc = deps.config.services[state.service]!;
  if (!svc.github || !state.worktree) return '';
  try {
    const repo = await deps.github.repo(svc.github.repo);
    // The task's open pull request, even one whose opening the state has not recorded yet (a run
    // stopped while it waited for the checks).
    const number = state.pr?.number ?? (await repo.openFrom(state.worktree.branch))?.number;
    if (number === undefined || (await repo.pull(number)).state !== 'open') return '';
    await repo.close(number, `AUREA closed this pull request: task #${state.taskId} ${why}.`);
    await audit(deps.db.pool, state.requestedBy, 'task.pr.closed', `task:${state.taskId}`, { pr: number, why });
    return '';
  } catch (err) {
    deps.log.warn({ err, task: state.taskId }, 'github: closing the pull request failed');
    return ` Its pull request on GitHub could not be closed (${describeError(err)}); close it there.`;
  }
}
