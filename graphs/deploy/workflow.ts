import { randomUUID } from 'node:crypto';
import type { ApprovalService } from '../../src/approvals/service.js';
import type { DeployWorkflow } from '../../src/deploy/port.js';
import type { GraphJobs, GraphRunner } from '../../src/runs/port.js';
import type { DeployDeps } from './deps.js';
import { createGraphRunner, postgresCheckpointer } from '../runner.js';
import { DEPLOY_APPROVAL } from './nodes/approval.js';

/**
 * The bot side of deploys: /deploy enqueues a start job (a decided `deploy` approval enqueues its
 * resume job: DEPLOY_APPROVAL in ./nodes/approval.ts).
 * @returns the DeployWorkflow port for /deploy
 */
export function createDeployWorkflow(jobs: GraphJobs, approvals: Pick<ApprovalService, 'waitingFor' | 'latest'>, log: DeployDeps['log']): DeployWorkflow {
  return {
    waitingApproval: (service) => approvals.waitingFor(DEPLOY_APPROVAL, service),
    latestApproval: (service) => approvals.latest(DEPLOY_APPROVAL, 'service', service),
    async start({ service, requestedBy }) {
      const threadId = `deploy:${service}:${randomUUID()}`;
      await jobs.enqueue({ action: 'start', graph: 'deploy', threadId, input: { service, requestedBy } });
      log.info({ service, threadId, by: requestedBy.id }, 'deploy queued');
      return { threadId };
    },
  };
}

/**
 * The worker side: runs deploy jobs (src/runs/port.ts) from their Postgres checkpoints (the
 * deployer's journal keeps the deploy command from running twice).
 */
export function createDeployRunner(deps: DeployDeps): GraphRunner {
  return createGraphRunner(async () => (await import('./index.js')).buildDeployGraph(deps, await postgresCheckpointer(deps.db.pool)), deps, 'deploy');
}
