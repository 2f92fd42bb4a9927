import type { TaskDeps } from '../deps.js';
import { runStep } from '../../deploy/step.js';
import { cancelled, untilCancelled } from '../cancel.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/** Runs the service's `test` command in the task's worktree and records it on the round. */
export function testerNode(deps: TaskDeps) {
  return async (state: TaskStateType): Promise<TaskUpdate> => {
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    const svc = deps.config.services[state.service]!;
    const test = await untilCancelled(deps, state.taskId, (signal) => runStep(deps, svc, svc.test, state.worktree!.dir, signal));
    const late = await cancelled(deps, state);
    if (late) return late;
    const rounds = state.rounds.map((r, i) => (i === state.rounds.length - 1 ? { ...r, test } : r));
    const last = rounds.length >= deps.config.tasks.maxRounds;
    const update: TaskUpdate = { rounds, ...(!test.ok && last ? { stopReason: `the tests still failed after ${rounds.length} rounds (tasks.maxRounds)` } : {}) };
    await showProgress(deps, { ...state, ...update }, test.ok ? 'approve' : update.stopReason ? undefined : 'code');
    return update;
  };
}
