import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TapHandler } from '../src/channels/action.js';
import type { GraphJob, GraphJobs } from '../src/runs/port.js';
import { GRAPHS_QUEUE, threadUuid } from './definitions.js';

/** The graphs queue under the configured key prefix. */
export function createGraphsQueue(connection: Redis, prefix: string): Queue {
  return new Queue(GRAPHS_QUEUE, { connection, prefix });
}

/**
 * The job id that makes a graph job unique: one start per thread, one resume per approval, each
 * continue its own. Every id carries a UUID (the thread's, the approval's), never a database
 * sequence number: a Redis that outlived its database (`rm -rf data`, a new Postgres) still holds
 * completed jobs under their ids, and BullMQ ignores a new job whose id it has seen.
 * (BullMQ job ids may not contain ':'.)
 */
export function graphJobId(job: GraphJob): string {
  if (job.action === 'resume') return `resume.${job.approvalId}`;
  if (job.action === 'start') return `start.${job.graph}.${threadUuid(job.threadId)}`;
  return `continue.${randomUUID()}`;
}

/** Tries per graph job before it fails for good (a resume waiting for its run's pause tries longer: jobs/worker.ts). */
export const GRAPH_JOB_ATTEMPTS = 3;

/**
 * GraphJobs on BullMQ. A crashed run is continued by stalled-job recovery; a failing one is retried
 * (1 s, then 2 s later) and then fails for good, which the founders are told (jobs/worker.ts); a
 * resume job is also retried while the run it resumes has not reached its pause yet.
 */
export function bullGraphJobs(queue: Queue): GraphJobs {
  return {
    async enqueue(job, delayMs) {
      await queue.add(`${job.graph}.${job.action}`, job, {
        jobId: graphJobId(job),
        ...(job.action === 'resume' ? { attempts: 30, backoff: { type: 'fixed', delay: 1_000 } } : { attempts: GRAPH_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1_000 } }),
        ...(delayMs ? { delay: delayMs } : {}),
        // A `continue` (a run that waited for its lease) leaves nothing worth keeping once it ran.
        removeOnComplete: job.action === 'continue' ? true : { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
    },
  };
}

/** The tap action kind of a failed graph run's 🔁 Retry button: `run:<job id>:retry`. */
export const RUN_ACTION = 'run';

/** The 🔁 Retry button of a graph job that failed for good. */
export const retryButton = (jobId: string) => ({ label: '🔁 Retry', action: { kind: RUN_ACTION, id: jobId, verb: 'retry' } });

/**
 * The tap handler of `run` buttons: puts a failed graph job back on the queue, its attempts
 * counted afresh (it continues from its checkpoint; journalled steps are not repeated).
 */
export function retryRunTap(queue: Queue): TapHandler {
  return async ({ action }) => {
    if (action.verb !== 'retry') return 'This button is no longer valid.';
    const job = await queue.getJob(action.id);
    if (!job) return 'That run is no longer known; start it again.';
    const state = await job.getState();
    if (state !== 'failed') return state === 'completed' ? 'That run has completed already.' : 'That run is already going again.';
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'Retrying…';
  };
}

/**
 * The graph jobs that failed for good and are still kept (30 days), newest first, for `aurea doctor`.
 * @returns each job's id, its graph and thread, when it failed and why
 */
export async function failedGraphRuns(connection: Redis, prefix: string, limit = 20): Promise<Array<{ id: string; graph: string; threadId: string; failedAt: Date; reason: string }>> {
  const queue = new Queue(GRAPHS_QUEUE, { connection, prefix });
  try {
    const jobs = await queue.getFailed(0, limit - 1);
    return jobs.map((j) => ({
      id: j.id ?? '?',
      graph: String((j.data as { graph?: unknown }).graph ?? '?'),
      threadId: String((j.data as { threadId?: unknown }).threadId ?? '?'),
      failedAt: new Date(j.finishedOn ?? j.timestamp),
      reason: j.failedReason ?? 'unknown',
    }));
  } finally {
    await queue.close();
  }
}
