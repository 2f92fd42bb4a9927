import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { checkHealth } from '../../../src/health/check.js';
import { awaitDecision } from '../../runner.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { DEPLOY_APPROVAL } from './approval.js';

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * After a crash while the deploy command ran (deployer found it started and never finished):
 * checks the service's health, tells the founders what is known, and asks Roll back / Keep through
 * the approval path (its own step of the thread), pausing with interrupt(). Nothing is deployed again.
 */
export function recoverNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    const interruptedAt = state.deployRun!.interruptedAt!;
    const health = svc.health ? await checkHealth(svc.health, svc.healthTimeout) : null;
    const detail =
      health === null ? 'it has no health URL, so I cannot tell how it is' : health.ok ? `it is healthy now (HTTP ${health.status})` : `it is unhealthy now (${health.error})`;
    await deps.approvals.request(DEPLOY_APPROVAL, {
      threadId: String(config.configurable?.thread_id),
      step: 'recover',
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service: state.service },
      title: `The deploy of ${state.service} was interrupted`,
      text:
        `The deploy of ${state.service} was interrupted at ${utc(interruptedAt)} (AUREA stopped while it ran); ${detail}. ` +
        'I did not run it again. Roll it back, or keep what is there?',
      labels: { approve: '↩ Roll back', reject: '✋ Keep' },
    });
    const decision = awaitDecision(DEPLOY_APPROVAL, 'recover');
    return { recovery: { interruptedAt, healthy: health ? health.ok : null, detail, decision } };
  };
}
