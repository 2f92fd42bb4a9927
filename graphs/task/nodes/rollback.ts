import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { describeError } from '../../../src/errors.js';
import { ON_MERGE } from '../../../src/config.js';
import { resetTo } from '../../git.js';
import { revertOnGithub } from '../../revert.js';
import { describeStep, runStep, tailBlock } from '../../steps.js';
import type { TaskDeps } from '../deps.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/**
 * After a failed deploy or an unhealthy verify: puts the deploy branch back on the previous good
 * commit and runs the service's `rollback` command (once per run), then alerts the founders.
 */
export function rollbackNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const svc = deps.config.services[state.service]!;
    const { previous } = state.deploy!;
    const step = await deps.journal.run(String(config.configurable?.thread_id), 'rollback', async () => {
      // A service the platform deploys on merge: a revert pull request, merged the same way.
      if (svc.deploy === ON_MERGE) return revertOnGithub(deps, state.service, state.deploy!.merged, `task-${state.taskId}`);
      try {
        await resetTo(svc.repo, previous);
      } catch (err) {
        return { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: describeError(err) };
      }
      return runStep(deps, svc, svc.rollback);
    });
    const rollback = step.kind === 'done' ? step.result : { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: 'interrupted' };
    const why = state.deploy!.run.ok ? `health check failed: ${state.healthCheck?.detail}` : `the deploy command ${describeStep(state.deploy!.run)}`;
    await audit(deps.db.pool, state.requestedBy, rollback.ok ? 'task.rolled_back' : 'task.rollback_failed', `service:${state.service}`, { task: state.taskId, why, restored: previous });
    await deps.alerts.raise({
      severity: 'critical',
      source: `task:${state.taskId}`,
      message: rollback.ok
        ? `Task #${state.taskId} on ${state.service}: ${why}. Restored ${previous.slice(0, 7)} and rolled back (rollback ${describeStep(rollback)}).`
        : `Task #${state.taskId} on ${state.service}: ${why}, and the rollback did not work. The service needs you.${tailBlock(rollback, 5)}`,
      details: { task: state.taskId, restored: previous },
    });
    return { rollbackRun: rollback, outcome: 'rolled_back' };
  };
}
