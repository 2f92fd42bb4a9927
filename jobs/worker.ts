import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Core } from '../src/core.js';
import type { AgentDeps } from './agents/types.js';
import { describeError } from '../src/errors.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { GraphName, GraphRunner } from '../src/runs/port.js';
import { AGENT_RUNNERS } from './agents/index.js';
import { AGENTS, AGENTS_QUEUE, GRAPHS_QUEUE, graphJobSchema } from './definitions.js';

/**
 * Runs one scheduled-agent job: validates its payload, records the run in ai_agent_executions
 * (running → succeeded | failed) and counts it in metrics. An invalid payload or unknown agent is
 * an UnrecoverableError (never retried).
 */
/** What the agents' worker uses: the agents' deps, their registry and runs, and the metrics. */
export type AgentWorkerDeps = AgentDeps & Pick<Core, 'agents' | 'metrics'>;

export async function runAgentJob(core: AgentWorkerDeps, job: Pick<Job, 'name' | 'id' | 'data'>): Promise<unknown> {
  const def = AGENTS.find((a) => a.name === job.name);
  const runner = AGENT_RUNNERS[job.name];
  if (!def || !runner) throw new UnrecoverableError(`unknown agent "${job.name}"`);
  const payload = def.payload.safeParse(job.data ?? {});
  if (!payload.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${payload.error.issues[0]?.message}`);

  const execId = await core.agents.started(job.name, job.id ?? null);
  try {
    const result = await runner(core, payload.data);
    await core.agents.succeeded(execId, { summary: result.summary, ...result.output });
    core.metrics.jobRuns.inc({ agent: job.name, outcome: 'succeeded' });
    return result.summary;
  } catch (err) {
    await core.agents.failed(execId, describeError(err)).catch(() => undefined);
    core.metrics.jobRuns.inc({ agent: job.name, outcome: 'failed' });
    throw err;
  }
}

/** Lock and stalled-check settings shared by AUREA's workers (config `jobs.*`). */
function lockOptions(config: Config) {
  // A job is retried after a crash by stalled-job recovery: up to 3 crashed attempts, then failed.
  return { lockDuration: config.jobs.lockDurationMs, stalledInterval: config.jobs.stalledIntervalMs, maxStalledCount: 3 };
}

/** The BullMQ Worker for the agents queue. Closing it lets running jobs finish. */
export function startWorker(core: AgentWorkerDeps, connection: Redis): Worker {
  const worker = new Worker(AGENTS_QUEUE, (job) => runAgentJob(core, job), {
    connection,
    prefix: core.config.redis.prefix,
    concurrency: 4,
    ...lockOptions(core.config),
  });
  worker.on('failed', (job, err) => core.log.warn({ agent: job?.name, err }, 'agent run failed'));
  worker.on('error', (err) => core.log.error({ err }, 'worker error'));
  return worker;
}

/**
 * The BullMQ Worker for the graphs queue: validates each job and hands it to its graph's runner.
 * A worker killed mid-run loses its lock; another worker (or this one restarted) continues the
 * run from its last checkpoint. An invalid job is an UnrecoverableError.
 */
export function startGraphWorker(deps: { config: Config; log: Logger }, connection: Redis, runners: Readonly<Record<GraphName, GraphRunner>>): Worker {
  const worker = new Worker(
    GRAPHS_QUEUE,
    async (job) => {
      const parsed = graphJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid graph job ${job.id}: ${parsed.error.issues[0]?.message}`);
      const recovering = job.stalledCounter > 0;
      deps.log.info({ job: job.id, thread: parsed.data.threadId, attempt: job.attemptsStarted, recovering }, 'graph job started');
      await runners[parsed.data.graph].run(parsed.data, recovering);
    },
    { connection, prefix: deps.config.redis.prefix, concurrency: 8, ...lockOptions(deps.config) },
  );
  worker.on('failed', (job, err) => deps.log.error({ job: job?.id, err }, 'graph run failed'));
  worker.on('error', (err) => deps.log.error({ err }, 'graph worker error'));
  return worker;
}
