import type { ApprovalService } from '../../src/approvals/service.js';
import type { Broadcaster } from '../../src/channels/broadcast.js';
import type { Logger } from '../../src/log.js';
import type { GraphJobs, GraphRunner } from '../../src/runs/port.js';
import type { TaskStore } from '../../src/tasks/store.js';
import type { TaskWorkflow } from '../../src/tasks/port.js';
import { createGraphRunner, postgresCheckpointer } from '../runner.js';
import type { TaskDeps } from './deps.js';
import { TASK_APPROVAL } from './nodes/approval.js';
import { progressLine, progressMessage } from './progress.js';

/**
 * The bot side of tasks: /task records the task (its thread `task:<id>:<uuid>`), shows its progress
 * message on every founder chat and enqueues its start job (a decided `task` approval enqueues its
 * resume job: TASK_APPROVAL in ./nodes/approval.ts).
 */
export function createTaskWorkflow(deps: { jobs: GraphJobs; taskStore: TaskStore; broadcaster: Broadcaster; approvals: Pick<ApprovalService, 'waiting'>; log: Logger }): TaskWorkflow {
  return {
    waitingApproval: (taskId) => deps.approvals.waiting(TASK_APPROVAL, 'task', taskId),
    async start({ service, request, requestedBy, fixes }) {
      const { taskId, threadId } = await deps.taskStore.create({ service, request, requestedBy });
      const base = { taskId, service, request };
      const { refs } = await deps.broadcaster.broadcast(progressMessage(base, progressLine({}, 0, 'plan')));
      await deps.jobs.enqueue({ action: 'start', graph: 'task', threadId, input: { ...base, requestedBy, startedAt: new Date().toISOString(), progress: refs, rounds: [], ...(fixes ? { fixes } : {}) } });
      deps.log.info({ service, taskId, by: requestedBy.id }, 'task queued');
      return { taskId };
    },
  };
}

/** The worker side: runs task jobs from their Postgres checkpoints. */
export function createTaskRunner(deps: TaskDeps): GraphRunner {
  return createGraphRunner(async () => (await import('./index.js')).buildTaskGraph(deps, await postgresCheckpointer(deps.db.pool)), deps, 'task');
}
