import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { z } from 'zod';
import { defineApprovalKind } from '../../../src/approvals/kind.js';
import { commitAndTree, diffOf } from '../../git.js';
import { awaitDecision, resumesGraph } from '../../runner.js';
import { measuredStep, tailBlock } from '../../steps.js';
import type { TaskDeps } from '../deps.js';
import { showProgress } from '../progress.js';
import { checkLine } from './pull-request.js';
import type { Round, TaskStateType, TaskUpdate } from '../state.js';

/** The tap action kind of task buttons: `task:<task id>:diff` (graphs/task/actions/diff.ts answers it). */
export const TASK_ACTION = 'task';

/** The 📄 Show diff button of task #`taskId`. */
export const showDiffButton = (taskId: string) => ({ label: '📄 Show diff', action: { kind: TASK_ACTION, id: taskId, verb: 'diff' } });

const SHA = z.string().regex(/^[0-9a-f]{40}$/, { error: 'a full commit id' });

/**
 * A task's change, asked of the founders: pinned to the exact commit and tree the request showed
 * (the deployer merges that commit, never the branch). Deciding it resumes the task's thread.
 */
export const TASK_APPROVAL = defineApprovalKind({
  kind: 'task',
  /** `pr`: the pull request whose head is `commit` (a service on GitHub): merged with that head only. */
  payload: z.strictObject({ service: z.string(), task: z.string(), base: SHA, commit: SHA, tree: SHA, pr: z.number().int().positive().optional() }),
  resume: resumesGraph('task'),
});

/** The checks of the round's commit as the approval shows them. */
function checksText(round: Round): string {
  const c = round.checks;
  if (!c || c.state === 'none') return 'Checks: none configured on GitHub.';
  const head = c.timedOut ? 'Checks (github.checksTimeout passed while some still ran):' : 'Checks:';
  return [head, ...c.checks.map((x) => `  ${checkLine(x)}`)].join('\n');
}

/**
 * Asks the founders to approve the task's change (an approval of kind `task`: compare-and-set,
 * every channel, expiry), with the plan's summary, `git diff --stat`, the tests as AUREA measured
 * them (exit code, duration, lines of output) apart from what the tests printed, and the model cost
 * so far, and a 📄 Show diff button (graphs/task/actions/diff.ts); then pauses until a founder decides. A
 * task asked again (its branch moved after an approval) asks at a new step of its thread.
 */
export function approvalNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const svc = deps.config.services[state.service]!;
    const wt = state.worktree!;
    const round = state.rounds.at(-1)!;
    const { commit, tree } = await commitAndTree(svc.repo, round.commit!);
    const { stat } = await diffOf(svc.repo, wt.base, commit);
    const cost = await deps.ledger.costOf(`task:${state.taskId}`);
    const test = round.test!;
    const asked = state.asked ?? 0;
    const step = asked === 0 ? 'approval' : `approval-${asked + 1}`;
    await deps.approvals.request(TASK_APPROVAL, {
      threadId: String(config.configurable?.thread_id),
      step,
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service: state.service, task: state.taskId, base: wt.base, commit, tree, ...(state.pr ? { pr: state.pr.number } : {}) },
      moreButtons: [showDiffButton(state.taskId)],
      title: `Task #${state.taskId}: deploy to ${state.service}?`,
      text:
        `${state.request}\n\nPlan: ${state.plan!.summary} (risk ${state.plan!.risk})\n` +
        `Changes (commit ${commit.slice(0, 7)}):\n${stat || '(no changes)'}\n` +
        `Tests, as AUREA measured them: ${measuredStep(test)}, round ${state.rounds.length}/${deps.config.tasks.maxRounds}\n` +
        `What the tests printed (code the model may have written):${tailBlock(test, 3) || ' nothing'}\n` +
        `Model cost so far: $${cost.toFixed(4)}` +
        (state.pr ? `\n\nPull request #${state.pr.number}: ${state.pr.url} (head ${commit.slice(0, 7)})\n${checksText(round)}` : ''),
    });
    const decision = awaitDecision(TASK_APPROVAL, step);
    // A reviewer's @aurea on the pull request (src/github/signals.ts) answers the request instead of
    // a founder: another round with what they wrote.
    if (!decision.approved && decision.via === 'github') return revise(deps, state, { diffStat: stat, asked: asked + 1 });
    const update: TaskUpdate = { decision, diffStat: stat, asked: asked + 1, approved: { commit, tree }, revising: false };
    await showProgress(deps, { ...state, ...update }, decision.approved ? 'deploy' : undefined);
    return update;
  };
}

/**
 * The round a reviewer asked for: their comments (task_feedback, not seen by an earlier round) become
 * the next round's feedback, framed as data; the founders are told.
 */
async function revise(deps: TaskDeps, state: TaskStateType, update: TaskUpdate): Promise<TaskUpdate> {
  const feedback = await deps.taskStore.feedbackAfter(state.taskId, state.feedbackSeen ?? '0');
  const said = feedback.map((f) => `@${f.author}: ${f.body}`).join('\n\n');
  const text = `A reviewer asked for changes on the pull request (what they wrote):\n<comment>\n${said}\n</comment>\nMake the change they ask for, if it fits the task.`;
  const rounds = state.rounds.map((r, i) => (i === state.rounds.length - 1 ? { ...r, feedback: text } : r));
  const authors = [...new Set(feedback.map((f) => `@${f.author}`))].join(', ') || 'a reviewer';
  await deps.broadcaster.broadcast({ text: `💬 Task #${state.taskId}: ${authors} asked for changes on pull request #${state.pr?.number} (${said.slice(0, 300)}). Round ${rounds.length + 1} starts; I will ask you again.` });
  const next: TaskUpdate = { ...update, rounds, revising: true, feedbackSeen: feedback.at(-1)?.id ?? state.feedbackSeen };
  await showProgress(deps, { ...state, ...next }, 'code');
  return next;
}
