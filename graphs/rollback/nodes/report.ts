import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { describeStep, tailBlock } from '../../steps.js';
import type { RollbackDeps } from '../deps.js';
import type { RollbackOutcome, RollbackStateType, RollbackUpdate } from '../state.js';

/** Ends every rollback: the lease given back, the task marked rolled back, audited, the founders told. */
export function reportNode(deps: RollbackDeps) {
  return async (state: RollbackStateType, config: LangGraphRunnableConfig): Promise<RollbackUpdate> => {
    await deps.leases.releaseAll(String(config.configurable?.thread_id));
    const { service, task } = state;
    const to = task.commit.slice(0, 7);
    const run = state.rollbackRun;
    const outcome: RollbackOutcome = !state.decision?.approved || !run ? 'kept' : run.ok ? 'rolled_back' : 'rollback_failed';
    if (outcome === 'kept') return { outcome };
    const by = state.decision!.by;
    if (outcome === 'rolled_back') await deps.taskStore.markRolledBack(task.id, `rolled back to ${to} by ${by}`);
    await audit(deps.db.pool, state.requestedBy, outcome === 'rolled_back' ? 'task.rolled_back' : 'task.rollback_failed', `service:${service}`, { task: task.id, restored: task.commit, approvedBy: by });
    const how = run!.interruptedAt ? 'was interrupted (AUREA stopped while it ran)' : describeStep(run!);
    const health = state.healthCheck && !state.healthCheck.ok ? ` It is still unhealthy: ${state.healthCheck.detail}.` : '';
    await deps.broadcaster.broadcast({
      text:
        outcome === 'rolled_back'
          ? `↩ ${service} rolled back to ${to} (rollback ${how}).${health}`
          : `Rolling ${service} back to ${to} did not work: the rollback ${how}. The service needs you.${tailBlock(run!, 5)}`,
    });
    return { outcome };
  };
}
