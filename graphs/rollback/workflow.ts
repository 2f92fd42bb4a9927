import { randomUUID } from 'node:crypto';
import type { RollbackWorkflow } from '../../src/deploy/port.js';
import type { Logger } from '../../src/log.js';
import type { GraphJobs, GraphRunner } from '../../src/runs/port.js';
import { createGraphRunner, postgresCheckpointer } from '../runner.js';
import type { RollbackDeps } from './deps.js';

/** The bot side of rollbacks: /rollback and Diagnose enqueue a start job; the approval and the rest happen on a worker. */
export function createRollbackWorkflow(jobs: GraphJobs, log: Logger): RollbackWorkflow {
  return {
    async start({ service, task, requestedBy, why }) {
      const threadId = `rollback:${service}:${randomUUID()}`;
      await jobs.enqueue({ action: 'start', graph: 'rollback', threadId, input: { service, task, requestedBy, ...(why ? { why } : {}) } });
      log.info({ service, threadId, task: task.id, by: requestedBy.id }, 'rollback queued');
      return { threadId };
    },
  };
}

/** The worker side: runs rollback jobs from their Postgres checkpoints. */
export function createRollbackRunner(deps: RollbackDeps): GraphRunner {
  return createGraphRunner(async () => (await import('./index.js')).buildRollbackGraph(deps, await postgresCheckpointer(deps.db.pool)), deps, 'rollback');
}
