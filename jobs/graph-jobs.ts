import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GraphJob, GraphJobs } from '../src/runs/port.js';
import { GRAPHS_QUEUE } from './definitions.js';

/** The graphs queue under the configured key prefix. */
export function createGraphsQueue(connection: Redis, prefix: string): Queue {
  return new Queue(GRAPHS_QUEUE, { connection, prefix });
}

/**
 * The job id that makes a graph job unique: one start per thread, one resume per approval.
 * (BullMQ job ids may not contain ':'.)
 */
export function graphJobId(job: GraphJob): string {
  return job.action === 'start' ? `start.${job.threadId.replaceAll(':', '.')}` : `resume.${job.approvalId}`;
}

/**
 * GraphJobs on BullMQ. A crashed run is continued by stalled-job recovery; a resume job is also
 * retried while the run it resumes has not reached its pause yet.
 */
export function bullGraphJobs(queue: Queue): GraphJobs {
  return {
    async enqueue(job) {
      await queue.add(`${job.graph}.${job.action}`, job, {
        jobId: graphJobId(job),
        // A resume that finds its run not yet paused (GRAPH_BUSY) tries again; starts run once.
        ...(job.action === 'resume' ? { attempts: 30, backoff: { type: 'fixed', delay: 1_000 } } : { attempts: 1 }),
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
    },
  };
}
