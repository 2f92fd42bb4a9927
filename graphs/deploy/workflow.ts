import { randomUUID } from 'node:crypto';
import { Command } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { ApprovalRow } from '../../src/approvals/service.js';
import type { ApprovalResumer } from '../../src/approvals/tap.js';
import type { DeployWorkflow } from '../../src/deploy/port.js';
import type { TaskTracker } from '../../src/runtime/tasks.js';
import type { DeployDeps } from './deps.js';
import { buildDeployGraph } from './index.js';
import type { Decision } from './state.js';

/**
 * Runs the deploy graph with the Postgres checkpointer on AUREA's database, so a run paused for
 * approval can be resumed by any process, after any restart.
 * @returns the DeployWorkflow port for /deploy, and the resumer for `deploy` approvals
 */
export function createDeployWorkflow(deps: DeployDeps & { tasks: TaskTracker }): { workflow: DeployWorkflow; resume: ApprovalResumer } {
  const graph = buildDeployGraph(deps, new PostgresSaver(deps.db.pool));
  const run = (threadId: string, input: Parameters<typeof graph.invoke>[0]) =>
    graph.invoke(input, { configurable: { thread_id: threadId }, durability: 'sync' });

  return {
    workflow: {
      async start({ service, requestedBy }) {
        const threadId = `deploy:${service}:${randomUUID()}`;
        deps.log.info({ service, threadId, by: requestedBy.id }, 'deploy started');
        deps.tasks.run(`deploy ${threadId}`, () => run(threadId, { service, requestedBy }));
        return { threadId };
      },
    },
    async resume(approval: ApprovalRow) {
      const decision: Decision = {
        approved: approval.status === 'approved',
        by: approval.decided_by ?? 'unknown',
        via: approval.decided_via ?? 'unknown',
        at: (approval.decided_at ?? new Date()).toISOString(),
      };
      deps.log.info({ thread: approval.thread_id, approved: decision.approved }, 'deploy resumed');
      await run(approval.thread_id, new Command({ resume: decision }));
    },
  };
}
