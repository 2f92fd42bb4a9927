import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { ON_MERGE } from '../../../src/config.js';
import { z } from 'zod';
import { defineApprovalKind } from '../../../src/approvals/kind.js';
import { awaitDecision, resumesGraph } from '../../runner.js';
import type { RollbackDeps } from '../deps.js';
import type { RollbackStateType, RollbackUpdate } from '../state.js';

/** Rolling a service back to the commit before a task's deploy; pinned to that commit. Deciding it resumes the rollback's thread. */
export const ROLLBACK_APPROVAL = defineApprovalKind({
  kind: 'rollback',
  payload: z.strictObject({ service: z.string(), task: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$/) }),
  resume: resumesGraph('rollback'),
  answer: (a) => (a.status === 'approved' ? 'Rolling back…' : 'Kept as it is.'),
});

/** Asks every founder to approve the rollback (↩ Roll back / ✋ Keep), then pauses until one decides. */
export function approvalNode(deps: RollbackDeps) {
  return async (state: RollbackStateType, config: LangGraphRunnableConfig): Promise<RollbackUpdate> => {
    const { service, task } = state;
    const previous = task.commit.slice(0, 7);
    await deps.approvals.request(ROLLBACK_APPROVAL, {
      threadId: String(config.configurable?.thread_id),
      requestedBy: state.requestedBy,
      expiresInMs: deps.config.deploy.approvalTimeoutMs,
      payload: { service, task: task.id, commit: task.commit },
      title: `Roll back ${service} to ${previous}?`,
      text:
        `${state.why ? `${state.why}\n` : ''}Undoes task #${task.id} (${task.request}, deployed ${task.deployed?.slice(0, 7)}): ` +
        (deps.config.services[service]?.deploy === ON_MERGE
          ? `reverts ${task.deployed?.slice(0, 7)} on GitHub by a pull request merged at once; the platform then deploys it.`
          : `resets ${service} to ${previous} and runs its rollback command.`),
      labels: { approve: '↩ Roll back', reject: '✋ Keep' },
    });
    return { decision: awaitDecision(ROLLBACK_APPROVAL) };
  };
}
