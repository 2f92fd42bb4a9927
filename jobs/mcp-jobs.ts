/**
 * The tools queue on BullMQ. Allowed MCP calls: one job per approval (`mcp.<approval uuid>`, never a
 * database sequence number), tried once: a call is not repeated by a retry (a worker that died
 * mid-call leaves it journalled as interrupted, and the founder is told; src/mcp/ask.ts). And
 * github.poll's job scheduler (`github.poll`, every github.poll).
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { McpCallJob, McpCallJobs } from '../src/mcp/port.js';
import { mcpCallJobSchema, TOOLS_QUEUE } from './definitions.js';
import { lockOptions } from './worker.js';

export function createToolsQueue(connection: Redis, prefix: string): Queue {
  return new Queue(TOOLS_QUEUE, { connection, prefix });
}

export function bullMcpCallJobs(queue: Queue): McpCallJobs {
  return {
    async enqueue(job) {
      await queue.add('mcp.call', job, { jobId: `mcp.${job.approvalId}`, attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } });
    },
  };
}

/** The job scheduler of github.poll on the tools queue (`github.poll`), or none when polling is off. */
export async function scheduleGithubPoll(queue: Queue, everyMs: number | undefined): Promise<void> {
  if (everyMs === undefined) {
    await queue.removeJobScheduler(GITHUB_POLL);
    return;
  }
  await queue.upsertJobScheduler(GITHUB_POLL, { every: everyMs }, { name: GITHUB_POLL, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
}

/** The name of github.poll's scheduler and jobs. */
const GITHUB_POLL = 'github.poll';

/**
 * Runs the tools queue: allowed MCP calls and, with github.poll, GitHub polls.
 * @param run carries out an MCP call (src/mcp/ask.ts carryOutMcpCall); never throws for the call's own failure
 * @param poll polls GitHub once (src/github/poll.ts)
 */
export function startToolsWorker(connection: Redis, deps: { config: Pick<Config, 'jobs' | 'redis'>; log: Logger }, run: (job: McpCallJob) => Promise<void>, poll: () => Promise<unknown>): Worker {
  const worker = new Worker(
    TOOLS_QUEUE,
    async (job) => {
      if (job.name === GITHUB_POLL) return void (await poll());
      const parsed = mcpCallJobSchema.safeParse(job.data);
      if (!parsed.success) throw new Error(`not a valid MCP call job: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      await run(parsed.data);
    },
    { connection, prefix: deps.config.redis.prefix, concurrency: 4, ...lockOptions(deps.config) },
  );
  worker.on('failed', (job, err) => deps.log.error({ job: job?.id, err }, 'tools job failed'));
  return worker;
}
