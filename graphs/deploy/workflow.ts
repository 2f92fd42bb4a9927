import { randomUUID } from 'node:crypto';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { ApprovalResumer } from '../../src/approvals/tap.js';
import type { DeployWorkflow } from '../../src/deploy/port.js';
import type { GraphJobs, GraphRunner } from '../../src/runs/port.js';
import type { DeployDeps } from './deps.js';
import { buildDeployGraph } from './index.js';
import { createGraphRunner } from '../runner.js';

/**
 * The bot side of deploys: /deploy enqueues a start job, a decided `deploy` approval a resume job.
 * @returns the DeployWorkflow port for /deploy, and the resumer for `deploy` approvals
 */
export function createDeployWorkflow(jobs: GraphJobs, log: DeployDeps['log']): { workflow: DeployWorkflow; resume: ApprovalResumer } {
  return {
    workflow: {
      async start({ service, requestedBy }) {
        const threadId = `deploy:${service}:${randomUUID()}`;
        await jobs.enqueue({ action: 'start', graph: 'deploy', threadId, input: { service, requestedBy } });
        log.info({ service, threadId, by: requestedBy.id }, 'deploy queued');
        return { threadId };
      },
    },
    resume: {
      async resume(approval) {
        await jobs.enqueue({ action: 'resume', graph: 'deploy', threadId: approval.thread_id, approvalId: approval.id });
      },
    },
  };
}

/**
 * The worker side: runs deploy jobs (src/runs/port.ts) from their Postgres checkpoints (the
 * deployer's journal keeps the deploy command from running twice).
 */
export function createDeployRunner(deps: DeployDeps): GraphRunner {
  return createGraphRunner(buildDeployGraph(deps, new PostgresSaver(deps.db.pool)), deps, 'deploy');
}
