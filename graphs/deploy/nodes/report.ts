import { audit } from '../../../src/audit/log.js';
import type { DeployDeps } from '../deps.js';
import type { DeployOutcome, DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, tailBlock } from '../step.js';

function outcomeOf(state: DeployStateType): DeployOutcome {
  if (state.outcome) return state.outcome;
  if (state.testRun && !state.testRun.ok) return 'tests_failed';
  if (state.decision && !state.decision.approved) return 'rejected';
  return 'deployed';
}

/** Ends every run: audit row, metric, and a message to the founders (rollbacks were alerted already). */
export function reportNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const outcome = outcomeOf(state);
    deps.metrics.deploys.inc({ service: state.service, outcome });
    if (outcome === 'tests_failed' || outcome === 'deployed' || outcome === 'rejected') {
      await audit(deps.db.pool, state.requestedBy, `deploy.${outcome}`, `service:${state.service}`, {
        decidedBy: state.decision?.by,
      });
    }
    let text: string | null = null;
    if (outcome === 'tests_failed') {
      text = `❌ Deploy of ${state.service} stopped: tests ${describeStep(state.testRun!)}. Nothing was deployed.${tailBlock(state.testRun!)}`;
    } else if (outcome === 'deployed') {
      text = `✅ ${state.service} deployed (deploy ${describeStep(state.deployRun!)}), ${state.healthCheck?.detail ?? 'not verified'}.`;
    }
    if (text) await deps.broadcaster.broadcast({ text });
    return { outcome };
  };
}
