import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { ApprovalRow } from '../../src/approvals/service.js';
import type { ApprovalResumer } from '../../src/approvals/tap.js';
import type { DeployWorkflow } from '../../src/deploy/port.js';
import { AureaError } from '../../src/errors.js';
import type { GraphJobs, GraphRunner } from '../../src/runs/port.js';
import type { DeployDeps } from './deps.js';
import { buildDeployGraph } from './index.js';
import type { Decision } from './state.js';

/** The decision an approval row carries, as the graph's interrupt() returns it. */
function decisionOf(approval: ApprovalRow): Decision {
  return {
    approved: approval.status === 'approved',
    by: approval.decided_by ?? 'unknown',
    via: approval.decided_via ?? 'unknown',
    at: (approval.decided_at ?? new Date()).toISOString(),
  };
}

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
 * The worker side: runs deploy jobs with the Postgres checkpointer on AUREA's database, so any
 * worker can continue any thread: a paused one when its approval is decided, a crashed one from
 * its last checkpoint (the deployer's journal keeps the deploy command from running twice).
 */
export function createDeployRunner(deps: DeployDeps): GraphRunner {
  const graph = buildDeployGraph(deps, new PostgresSaver(deps.db.pool));
  return {
    async run(job, recovering) {
      const config = { configurable: { thread_id: job.threadId }, durability: 'sync' as const };
      const look = async () => {
        const state = await graph.getState(config);
        return { state, paused: state.tasks.some((t) => (t.interrupts?.length ?? 0) > 0) };
      };
      let { state, paused } = await look();
      // A tap can be faster than the run it resumes: the request is on screen before interrupt()
      // has checkpointed the pause. Wait for the pause briefly; after that the job is retried.
      // (A resume that crashed after resuming finds the thread running past the pause: it continues.)
      const early = () => job.action === 'resume' && !recovering && !paused && state.next.length > 0;
      for (let i = 0; early() && i < 30; i++) {
        await sleep(100);
        ({ state, paused } = await look());
      }
      if (early()) {
        throw new AureaError('GRAPH_BUSY', `thread ${job.threadId} is not paused yet (at ${state.next.join(', ')}); retrying`);
      }
      const begun = state.createdAt !== undefined;
      if (job.action === 'start' && !begun) {
        await graph.invoke(job.input as Parameters<typeof graph.invoke>[0], config);
        return;
      }
      if (state.next.length === 0) return; // finished already
      if (job.action === 'resume' && paused) {
        const approval = await deps.approvals.get(job.approvalId);
        if (!approval || approval.status === 'pending') throw new AureaError('INVALID_ARGUMENTS', `approval ${job.approvalId} is not decided`);
        deps.log.info({ thread: job.threadId, approval: approval.id, status: approval.status }, 'deploy resumed');
        await graph.invoke(new Command({ resume: decisionOf(approval) }), config);
        return;
      }
      if (paused) return; // waiting for a founder; the resume job continues it
      deps.log.warn({ thread: job.threadId, next: state.next }, 'deploy run continues from its last checkpoint after an interruption');
      await graph.invoke(null, config);
    },
  };
}
