import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueInspector } from '../src/status/ports.js';
import { AGENTS_QUEUE } from './definitions.js';

/** The agents queue under the configured key prefix. */
export function createAgentsQueue(connection: Redis, prefix: string): Queue {
  return new Queue(AGENTS_QUEUE, { connection, prefix });
}

/** QueueInspector over BullMQ: job counts of every queue. */
export function queueInspector(queue: Queue, ...others: Queue[]): QueueInspector {
  return {
    async depths() {
      return Promise.all(
        [queue, ...others].map(async (q) => {
          const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
          return { queue: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      );
    },
  };
}
