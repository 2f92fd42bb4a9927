import { setTimeout as sleep } from 'node:timers/promises';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { describeError } from '../../../src/errors.js';
import { runStep } from '../../deploy/step.js';
import type { TaskDeps } from '../deps.js';
import { mergeIntoDeployBranch } from '../git.js';
import { cancelled, timedOut } from '../cancel.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/** How often a task waiting for its service checks again (ms). */
const HOLD_POLL_MS = 1_000;

/**
 * Waits until this task holds its service (another task may be deploying it), checking /cancel and
 * `tasks.timeout` meanwhile.
 * @returns null once held, or the update that stops the task
 */
async function waitForService(deps: TaskDeps, state: TaskStateType): Promise<TaskUpdate | null> {
  for (;;) {
    const holder = await deps.taskStore.hold(state.taskId, state.service);
    if (!holder) return null;
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    if (timedOut(deps, state)) return { stopReason: `task #${holder} still held ${state.service} when this task reached tasks.timeout` };
    await sleep(HOLD_POLL_MS);
  }
}

/**
 * Merges the task's branch into the service's deploy branch (recording the previous good commit)
 * and runs its `deploy` command, once per run (journalled like the deploy graph's deployer). A
 * merge conflict stops the task and says so.
 */
export function deployerNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    const svc = deps.config.services[state.service]!;
    const waited = await waitForService(deps, state);
    if (waited) return waited;
    const step = await deps.journal.run(String(config.configurable?.thread_id), 'deploy', async () => {
      try {
        const { previous, merged } = await mergeIntoDeployBranch(svc.repo, state.worktree!.branch);
        await audit(deps.db.pool, state.requestedBy, 'task.deploy.started', `service:${state.service}`, { task: state.taskId, previous, merged, approvedBy: state.decision?.by });
        return { previous, merged, run: await runStep(deps, svc, svc.deploy) };
      } catch (err) {
        return { error: describeError(err) };
      }
    });
    if (step.kind === 'interrupted') return { stopReason: `AUREA stopped while the deploy ran (at ${step.startedAt.toISOString()}); check ${state.service} and use /rollback if needed` };
    if ('error' in step.result) return { stopReason: step.result.error };
    const update = { deploy: step.result };
    await showProgress(deps, { ...state, ...update }, step.result.run.ok ? 'verify' : undefined);
    return update;
  };
}
