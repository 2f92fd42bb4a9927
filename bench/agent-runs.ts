/**
 * Sustained scheduled-agent runs: a no-op agent declared with the agent kit, N scheduled runs (job
 * ids as job schedulers make them, so each takes the missed-run check) queued on the agents queue,
 * one or two BullMQ workers (in this process, concurrency 16 each) running them
 * through runAgentJob: each run is recorded in ai_agent_executions (running → succeeded) and counted
 * in metrics, as in production. Reports runs per hour until every run is recorded, on the backend
 * AUREA_TEST_BACKEND names. Target: ≥ 1,000,000 runs/hour with two workers on real Postgres,
 * ≥ 100,000/hour embedded.
 */
import { Queue, type Worker } from 'bullmq';
import { z } from 'zod';
import { defineAgent } from '../jobs/agents/kit.js';
import { AGENTS_QUEUE } from '../jobs/definitions.js';
import { agentCatalog, AGENT_JOB_OPTS } from '../jobs/schedules.js';
import { startWorker, type AgentWorkerDeps } from '../jobs/worker.js';
import { AgentStore } from '../src/agents/store.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { createRedis } from '../src/redis.js';
import { BACKEND, openTestDatabase } from '../test/helpers/backend.js';
import { REDIS_URL } from '../test/helpers/harness.js';
import { round, type BenchResult } from './stats.js';

const noop = defineAgent({ name: 'noop', description: 'does nothing', schedule: { every: 3_600_000 }, payload: z.strictObject({}), run: async () => ({ summary: 'ok', output: {} }) });

async function measure(workers: number, runs: number): Promise<number> {
  const { db, config, close } = await openTestDatabase();
  const prefix = `aurea-bench-${process.pid}-${Date.now()}`;
  const redis = createRedis(REDIS_URL, 'bullmq');
  const queue = new Queue(AGENTS_QUEUE, { connection: redis, prefix });
  const started: Worker[] = [];
  try {
    await migrate(db.pool);
    const deps = {
      config: { ...config, redis: { ...config.redis, prefix } },
      log: createLogger('silent', []),
      db,
      redis,
      agents: new AgentStore(db.pool),
      metrics: createMetrics(),
      catalog: agentCatalog({ agents: {} }, [noop]),
    } as unknown as AgentWorkerDeps;
    await deps.agents.register({ ...deps.catalog.info[0]!, enabled: true });
    // Ids as BullMQ's job schedulers give them (`repeat:<key>:<due ms>`): each run takes the scheduled path, missed-run check included.
    const due = Date.now();
    await queue.addBulk(Array.from({ length: runs }, (_, i) => ({ name: 'noop', data: {}, opts: { ...AGENT_JOB_OPTS, jobId: `repeat:noop:${due + i}` } })));
    const t0 = performance.now();
    for (let i = 0; i < workers; i++) started.push(startWorker(deps, createRedis(REDIS_URL, 'bullmq'), 16));
    for (;;) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ai_agent_executions WHERE status = 'succeeded'`);
      if (rows[0]!.n >= runs) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return (runs / ((performance.now() - t0) / 1000)) * 3600;
  } finally {
    await Promise.all(started.map((w) => w.close()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await close();
  }
}

export async function agentRuns(runs = Number(process.env.RUNS ?? (BACKEND === 'postgres' ? 6000 : 3000))): Promise<BenchResult> {
  const one = await measure(1, runs);
  const two = await measure(2, runs);
  const target = BACKEND === 'postgres' ? 1_000_000 : 100_000;
  return {
    name: `scheduled-agent runs per hour, no-op agent, each recorded (${BACKEND}, ${runs} runs, workers in one process)`,
    rows: [
      { metric: 'one worker', value: Math.round(one), unit: 'runs/hour' },
      { metric: 'two workers', value: Math.round(two), unit: 'runs/hour', target: `≥ ${target.toLocaleString('en-US')}`, met: two >= target },
      { metric: 'two workers', value: round(two / 3600, 1), unit: 'runs/s' },
    ],
  };
}
