import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, runStep, tailBlock, type StepResult } from '../../steps.js';

/** Why this run is rolling back, in the founder's words. */
function reason(state: DeployStateType): string {
  if (state.recovery) return `the deploy was interrupted and ${state.recovery.decision.by} chose to roll back`;
  if (state.deployRun && !state.deployRun.ok) return `the deploy command ${describeStep(state.deployRun)}`;
  return `health check failed: ${state.healthCheck?.detail}`;
}

/**
 * Runs the service's `rollback` command (journalled like the deploy: never twice in one run) after a
 * failed deploy or verify, or when the founder chose it after an interrupted deploy; alerts the founders.
 */
export function rollbackNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    const step = await deps.journal.run(String(config.configurable?.thread_id), 'rollback', () => runStep(deps, svc, svc.rollback));
    const rollback: StepResult =
      step.kind === 'done' ? step.result : { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: '', interruptedAt: step.startedAt.toISOString() };
    const why = reason(state);
    const outcome = rollback.ok && !rollback.skipped ? 'rolled_back' : 'rollback_failed';
    const how = rollback.interruptedAt ? 'was interrupted (AUREA stopped while it ran)' : describeStep(rollback);
    await audit(deps.db.pool, state.requestedBy, `deploy.${outcome}`, `service:${state.service}`, { why, rollback: how, thread: String(config.configurable?.thread_id) });
    await deps.alerts.raise({
      severity: 'critical',
      source: `deploy:${state.service}`,
      message:
        outcome === 'rolled_back'
          ? `Deploy of ${state.service} ${state.recovery ? 'interrupted' : 'failed'} (${why}). Rolled back: rollback ${how}.`
          : `Deploy of ${state.service} failed (${why}) and the rollback did not work: ${how}. The service needs you.${tailBlock(rollback, 5)}`,
      details: { why, rollbackExit: rollback.exitCode },
    });
    return { rollbackRun: rollback, outcome };
  };
}
