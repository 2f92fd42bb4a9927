import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { notApprovedReason } from '../../runner.js';
import type { DeployDeps } from '../deps.js';
import type { DeployOutcome, DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, tailBlock } from '../../steps.js';

function outcomeOf(state: DeployStateType): DeployOutcome {
  if (state.outcome) return state.outcome;
  if (state.testRun && !state.testRun.ok) return 'tests_failed';
  if (state.decision && !state.decision.approved) return 'rejected';
  if (state.recovery && !state.recovery.decision.approved) return 'kept_after_interruption';
  return 'deployed';
}

/** Writes the decision and the outcome back to long-term memory, so later questions can use them. */
async function rememberOutcome(deps: DeployDeps, state: DeployStateType, outcome: DeployOutcome): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  const by = state.decision?.by ?? state.requestedBy.name;
  const content = {
    deployed: `Deployed ${state.service} on ${day}, approved by ${by}; healthy afterwards.`,
    rejected: `A deploy of ${state.service} on ${day} was not made: ${state.decision ? notApprovedReason(state.decision) : `rejected by ${by}`}.`,
    tests_failed: `A deploy of ${state.service} on ${day} stopped because its tests failed (exit ${state.testRun?.exitCode}).`,
    rolled_back: `A deploy of ${state.service} on ${day} failed (${state.healthCheck?.detail ?? 'deploy command failed'}) and was rolled back.`,
    rollback_failed: `A deploy of ${state.service} on ${day} failed and its rollback failed too.`,
    kept_after_interruption: `A deploy of ${state.service} on ${day} was interrupted; ${state.recovery?.decision.by} kept it as it was (${state.recovery?.detail}).`,
  }[outcome];
  const type = outcome === 'deployed' || outcome === 'rejected' ? 'decision' : 'error';
  await deps.memory.remember({ content, type, source: `deploy:${state.service}`, metadata: { outcome } }).catch((err: unknown) => deps.log.warn({ err }, 'could not remember the deploy outcome'));
}

/** Ends every run: the service's lease given back, audit row, metric, and a message to the founders (rollbacks were alerted already). */
export function reportNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    await deps.leases.releaseAll(String(config.configurable?.thread_id));
    const outcome = outcomeOf(state);
    deps.metrics.deploys.inc({ service: state.service, outcome });
    if (outcome === 'tests_failed' || outcome === 'deployed' || outcome === 'rejected' || outcome === 'kept_after_interruption') {
      await audit(deps.db.pool, state.requestedBy, `deploy.${outcome}`, `service:${state.service}`, {
        decidedBy: state.decision?.by,
        thread: String(config.configurable?.thread_id),
      });
    }
    let text: string | null = null;
    if (outcome === 'tests_failed') {
      text = `❌ Deploy of ${state.service} stopped: tests ${describeStep(state.testRun!)}. Nothing was deployed.${tailBlock(state.testRun!)}`;
    } else if (outcome === 'kept_after_interruption') {
      text = `✋ ${state.service} kept as it is after the interrupted deploy (${state.recovery!.decision.by}'s choice; ${state.recovery!.detail}).`;
    } else if (outcome === 'deployed') {
      text = `✅ ${state.service} deployed (deploy ${describeStep(state.deployRun!)}), ${state.healthCheck?.detail ?? 'not verified'}.`;
    }
    if (text) await deps.broadcaster.broadcast({ text });
    await rememberOutcome(deps, state, outcome);
    return { outcome };
  };
}
