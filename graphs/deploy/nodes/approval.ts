import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { z } from 'zod';
import { defineApprovalKind } from '../../../src/approvals/kind.js';
import { awaitDecision, resumesGraph } from '../../runner.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { describeStep, tailBlock } from '../../steps.js';

/**
 * A deploy of a service, asked by the deploy graph: at its `approval` step (deploy?) and, after a
 * crash while the deploy command ran, at its `recover` step (roll back or keep?). Deciding it
 * resumes the graph's thread.
 */
export const DEPLOY_APPROVAL = defineApprovalKind({
  kind: 'deploy',
  payload: z.strictObject({ service: z.string() }),
  resume: resumesGraph('deploy'),
});

/**
 * Pauses the run until a founder decides, with LangGraph's interrupt(). The request is stored and
 * shown once per thread: when the node re-runs on resume, request() finds it and sends nothing, and
 * the interrupt returns the decision passed to Command({ resume }).
 * Services with `approval: auto` pass straight through when a founder asked in chat; a deploy asked
 * by AUREA itself on someone else's behalf (a system actor: a coding agent through the MCP server)
 * always waits for a founder's tap.
 */
export function approvalNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (svc.approval === 'auto' && state.requestedBy.platform !== 'system') {
      return { decision: { approved: true, by: 'config (approval: auto)', via: 'config', at: new Date().toISOString() } };
    }
    const threadId = String(config.configurable?.thread_id);
    const tests = state.testRun!;
    await deps.approvals.request(DEPLOY_APPROVAL, {
      threadId,
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service: state.service },
      title: `Deploy ${state.service}?`,
      text:
        `Requested by ${state.requestedBy.name} on ${state.requestedBy.platform}.\n` +
        `Tests: ${describeStep(tests)}${tailBlock(tests, 5)}`,
    });
    return { decision: awaitDecision(DEPLOY_APPROVAL) };
  };
}
