import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { DeployDeps } from '../deps.js';
import type { Decision, DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, tailBlock } from '../step.js';

/**
 * Pauses the run until a founder decides, with LangGraph's interrupt(). The request is stored and
 * shown once per thread: when the node re-runs on resume, request() finds it and sends nothing, and
 * interrupt() returns the decision passed to Command({ resume }).
 * Services with `approval: auto` pass straight through.
 */
export function approvalNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (svc.approval === 'auto') {
      return { decision: { approved: true, by: 'config (approval: auto)', via: 'config', at: new Date().toISOString() } };
    }
    const threadId = String(config.configurable?.thread_id);
    const tests = state.testRun!;
    await deps.approvals.request({
      kind: 'deploy',
      threadId,
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service: state.service },
      title: `Deploy ${state.service}?`,
      text:
        `Requested by ${state.requestedBy.name} on ${state.requestedBy.platform}.\n` +
        `Tests: ${describeStep(tests)}${tailBlock(tests, 5)}`,
    });
    const decision = interrupt<{ service: string }, Decision>({ service: state.service });
    return { decision };
  };
}
