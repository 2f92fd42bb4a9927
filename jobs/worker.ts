import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Core } from '../src/core.js';
import { describeError } from '../src/errors.js';
import { AGENT_RUNNERS } from './agents/index.js';
import { AGENTS, AGENTS_QUEUE } from './definitions.js';

/**
 * Runs one scheduled-agent job: validates its payload, records the run in ai_agent_executions
 * (running → succeeded | failed) and counts it in metrics. An invalid payload or unknown agent is
 * an UnrecoverableError (never retried).
 */
export async function runAgentJob(core: Core, job: Pick<Job, 'name' | 'id' | 'data'>): Promise<unknown> {
  const def = AGENTS.find((a) => a.name === job.name);
  const runner = AGENT_RUNNERS[job.name];
  if (!def || !runner) throw new UnrecoverableError(`unknown agent "${job.name}"`);
  const payload = def.payload.safeParse(job.data ?? {});
  if (!payload.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${payload.error.issues[0]?.message}`);

  const { rows } = await core.db.pool.query<{ id: string }>(
    `INSERT INTO ai_agent_executions (agent_name, job_id, status) VALUES ($1, $2, 'running') RETURNING id`,
    [job.name, job.id ?? null],
  );
  const execId = rows[0]!.id;
  try {
    const result = await runner(core, payload.data);
    await core.db.pool.query(
      `UPDATE ai_agent_executions SET status = 'succeeded', completed_at = now(), output = $2 WHERE id = $1`,
      [execId, JSON.stringify({ summary: result.summary, ...result.output })],
    );
    core.metrics.jobRuns.inc({ agent: job.name, outcome: 'succeeded' });
    return result.summary;
  } catch (err) {
    await core.db.pool
      .query(`UPDATE ai_agent_executions SET status = 'failed', completed_at = now(), error_message = $2 WHERE id = $1`, [
        execId,
        describeError(err).slice(0, 2_000),
      ])
      .catch(() => undefined);
    core.metrics.jobRuns.inc({ agent: job.name, outcome: 'failed' });
    throw err;
  }
}

/** The BullMQ Worker for the agents queue. Closing it lets running jobs finish. */
export function startWorker(core: Core, connection: Redis): Worker {
  const worker = new Worker(AGENTS_QUEUE, (job) => runAgentJob(core, job), {
    connection,
    prefix: core.config.redis.prefix,
    concurrency: 4,
  });
  worker.on('failed', (job, err) => core.log.warn({ agent: job?.name, err }, 'agent run failed'));
  worker.on('error', (err) => core.log.error({ err }, 'worker error'));
  return worker;
}
