import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { describeError } from '../../../src/errors.js';
import { ON_MERGE } from '../../../src/config.js';
import { resetTo } from '../../git.js';
import { revertOnGithub } from '../../revert.js';
import { holdService, runStep, type StepResult } from '../../steps.js';
import type { RollbackDeps } from '../deps.js';
import type { RollbackStateType, RollbackUpdate } from '../state.js';

/**
 * Takes the service's lease (waiting, off the worker, while a deploy or a task changes it), then
 * resets the service's checkout to the approved commit and runs its `rollback` command, once per run
 * (journalled: a run resumed after a crash reports the interruption instead of rolling back twice).
 */
export function rollbackNode(deps: RollbackDeps) {
  return async (state: RollbackStateType, config: LangGraphRunnableConfig): Promise<RollbackUpdate> => {
    const svc = deps.config.services[state.service]!;
    const threadId = String(config.configurable?.thread_id);
    await holdService(deps, { service: state.service, threadId, what: `the rollback ${state.decision?.by ?? 'a founder'} approved`, waiting: `The rollback of ${state.service}` });
    const step = await deps.journal.run(threadId, 'rollback', async (): Promise<StepResult> => {
      // A service the platform deploys on merge: a revert pull request of what the task merged.
      if (svc.deploy === ON_MERGE) return state.task.deployed ? revertOnGithub(deps, state.service, state.task.deployed, `task-${state.task.id}`) : { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: `task #${state.task.id} recorded no merged commit to revert` };
      try {
        await resetTo(svc.repo, state.task.commit);
      } catch (err) {
        return { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: describeError(err) };
      }
      return runStep(deps, svc, svc.rollback);
    });
    const rollbackRun: StepResult = step.kind === 'done' ? step.result : { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: '', interruptedAt: step.startedAt.toISOString() };
    return { rollbackRun };
  };
}
