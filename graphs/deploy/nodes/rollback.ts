import { audit } from '../../../src/audit/log.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, runStep, tailBlock } from '../step.js';

/** Runs the service's `rollback` command after a failed deploy or verify, and alerts the founders. */
export function rollbackNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    const rollback = await runStep(deps, svc, svc.rollback);
    const why = state.deployRun && !state.deployRun.ok ? `the deploy command ${describeStep(state.deployRun)}` : `health check failed: ${state.healthCheck?.detail}`;
    const outcome = rollback.ok && !rollback.skipped ? 'rolled_back' : 'rollback_failed';
    await audit(deps.db.pool, state.requestedBy, `deploy.${outcome}`, `service:${state.service}`, { why, rollback: describeStep(rollback) });
    await deps.alerts.raise({
      severity: 'critical',
      source: `deploy:${state.service}`,
      message:
        outcome === 'rolled_back'
          ? `Deploy of ${state.service} failed (${why}). Rolled back: rollback ${describeStep(rollback)}.`
          : `Deploy of ${state.service} failed (${why}) and the rollback did not work: ${describeStep(rollback)}. The service needs you.${tailBlock(rollback, 5)}`,
      details: { why, rollbackExit: rollback.exitCode },
    });
    return { rollbackRun: rollback, outcome };
  };
}
