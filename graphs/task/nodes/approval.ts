import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { describeStep, tailBlock } from '../../deploy/step.js';
import type { Decision } from '../../runner.js';
import type { TaskDeps } from '../deps.js';
import { showDiffButton } from '../diff.js';
import { diffOf } from '../git.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/**
 * Asks the founders to approve the task's change (an approval of kind `task`: compare-and-set,
 * every channel, expiry), with the plan's summary, `git diff --stat`, the test result and the
 * model cost so far, and a 📄 Show diff button (graphs/task/diff.ts); then pauses with interrupt() until a founder decides.
 */
export function approvalNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const { stat } = await diffOf(state.worktree!.dir, state.worktree!.base);
    const cost = await deps.ledger.costOf(`task:${state.taskId}`);
    const rounds = state.rounds;
    const test = rounds.at(-1)!.test!;
    const holder = await deps.taskStore.hold(state.taskId, state.service);
    await deps.approvals.request({
      kind: 'task',
      threadId: String(config.configurable?.thread_id),
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service: state.service, task: state.taskId, base: state.worktree!.base },
      moreButtons: [showDiffButton(state.taskId)],
      title: `Task #${state.taskId}: deploy to ${state.service}?`,
      text:
        `${state.request}\n\nPlan: ${state.plan!.summary} (risk ${state.plan!.risk})\n` +
        `Changes:\n${stat || '(no changes)'}\n` +
        `Tests: ${describeStep(test)} in round ${rounds.length}/${deps.config.tasks.maxRounds}${tailBlock(test, 3)}\n` +
        `Model cost so far: $${cost.toFixed(4)}` +
        (holder ? `\n⏳ Task #${holder} holds ${state.service} (one task deploys a service at a time): approved, this one deploys after it ends.` : ''),
    });
    const decision = interrupt<{ task: string }, Decision>({ task: state.taskId });
    const update = { decision, diffStat: stat };
    await showProgress(deps, { ...state, ...update }, decision.approved ? 'deploy' : undefined);
    return update;
  };
}
