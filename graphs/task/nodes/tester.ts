import type { TaskDeps } from '../deps.js';
import { inWorktree } from '../../git.js';
import { runStep } from '../../steps.js';
import { cancelled, untilCancelled } from '../cancel.js';
import { showProgress } from '../progress.js';
import { taskSandboxOrWhy } from '../sandbox.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/**
 * Runs the service's `test` command on the round's commit, in the task's worktree, inside the
 * sandbox (the tests are code the model may have written: they see the worktree and nothing of
 * AUREA's), and records the result on the round.
 */
export function testerNode(deps: TaskDeps) {
  return async (state: TaskStateType): Promise<TaskUpdate> => {
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    const svc = deps.config.services[state.service]!;
    const wt = state.worktree!;
    const round = state.rounds.at(-1)!;
    const confined = taskSandboxOrWhy(deps, state.service, wt.dir);
    if ('why' in confined) return { stopReason: confined.why };
    // The worktree on exactly the commit under test (a branch moved after an approval is tested anew).
    if (round.commit) await inWorktree(wt, 'reset', '--hard', '-q', round.commit);
    const test = await untilCancelled(deps, state.taskId, (signal) => runStep(deps, svc, svc.test, wt.dir, signal, confined.sandbox));
    const late = await cancelled(deps, state);
    if (late) return late;
    const rounds = state.rounds.map((r, i) => (i === state.rounds.length - 1 ? { ...r, test } : r));
    const last = rounds.length >= deps.config.tasks.maxRounds;
    const update: TaskUpdate = { rounds, ...(!test.ok && last ? { stopReason: `the tests still failed after ${rounds.length} rounds (tasks.maxRounds)` } : {}) };
    await showProgress(deps, { ...state, ...update }, test.ok ? 'approve' : update.stopReason ? undefined : 'code');
    return update;
  };
}
