/**
 * Sustained scheduled-agent runs: a no-op agent declared with the agent kit, N scheduled runs (job
 * ids as job schedulers make them, so each takes the missed-run check) queued on the agents queue,
 * one or two BullMQ workers (in this process, and on postgres also as two worker processes;
 * concurrency 16 each) running them
 * through runAgentJob: each run is recorded in ai_agent_executions (running → succeeded) and counted
 * in metrics, as in production. Reports runs per hour until every run is recorded, on the backend
 * AUREA_TEST_BACKEND names. Target: ≥ 1,000,000 runs/hour with two workers on real Postgres,
 * ≥ 100,000/hour embedded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { defineAgent } from '../jobs/agents/kit.js';
import { AGENTS_QUEUE } from '../jobs/definitions.js';
import { agentCatalog, AGENT_JOB_OPTS } from '../jobs/schedules.js';
import { startWorker, type AgentWorkerDeps } from '../jobs/worker.js';
import { AgentStore } from '../src/agents/store.js';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { createRedis } from '../src/redis.js';
import { BACKEND, openTestDatabase } from '../test/helpers/backend.js';
import { REDIS_URL } from '../test/helpers/harness.js';
import { round, type BenchResult } from './stats.js';

const noop = defineAgent({ name: 'noop', description: 'does nothing', schedule: { every: 3_600_000 }, payload: z.strictObject({}), run: async () => ({ summary: 'ok', output: {} }) });

/** A worker running the no-op agent as AUREA's workers run agents (runAgentJob, concurrency 16). */
export function agentWorker(db: Database, config: Config, connection: Redis): Worker {
  const deps = {
    config,
    log: createLogger('silent', []),
    db,
    redis: connection,
    agents: new AgentStore(db.pool),
    metrics: createMetrics(),
    catalog: agentCatalog({ agents: {} }, [noop]),
  } as unknown as AgentWorkerDeps;
  return startWorker(deps, connection, 16);
}

/**
 * @param workers how many workers run the jobs
 * @param processes run them as separate processes (postgres only) instead of in this process
 * @returns runs per hour until every run was recorded
 */
async function measure(workers: number, runs: number, processes: boolean): Promise<number> {
  const { db, config, close } = await openTestDatabase();
  const prefix = `aurea-bench-${process.pid}-${Date.now()}`;
  const cfg = { ...config, redis: { ...config.redis, prefix } };
  const redis = createRedis(REDIS_URL, 'bullmq');
  const queue = new Queue(AGENTS_QUEUE, { connection: redis, prefix });
  const started: Worker[] = [];
  const children: ChildProcess[] = [];
  try {
    await migrate(db.pool);
    const info = agentCatalog({ agents: {} }, [noop]).info[0]!;
    await new AgentStore(db.pool).register({ ...info, enabled: true });
    if (processes) {
      for (let i = 0; i < workers; i++) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bench/agent-runs-worker.ts'], { env: { ...process.env, DATABASE_URL: config.database.url!, AUREA_REDIS_PREFIX: prefix }, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
      }
      await Promise.all(children.map((c) => new Promise<void>((resolve) => c.stdout!.on('data', (d: Buffer) => /ready/.test(d.toString()) && resolve()))));
    } else {
      for (let i = 0; i < workers; i++) started.push(agentWorker(db, cfg, createRedis(REDIS_URL, 'bullmq')));
      await Promise.all(started.map((w) => w.waitUntilReady()));
    }
    // The clock starts once the workers are up. Ids as BullMQ's job schedulers give them
    // (`repeat:<key>:<due ms>`): each run takes the scheduled path, missed-run check included.
    const t0 = performance.now();
    const due = Date.now();
    await queue.addBulk(Array.from({ length: runs }, (_, i) => ({ name: 'noop', data: {}, opts: { ...AGENT_JOB_OPTS, jobId: `repeat:noop:${due + i}` } })));
    for (;;) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ai_agent_executions WHERE status = 'succeeded'`);
      if (rows[0]!.n >= runs) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return (runs / ((performance.now() - t0) / 1000)) * 3600;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await Promise.all(started.map((w) => w.close()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await close();
  }
}

export async function agentRuns(runs = Number(process.env.RUNS ?? (BACKEND === 'postgres' ? 6000 : 3000))): Promise<BenchResult> {
  const one = await measure(1, runs, false);
  const two = await measure(2, runs, false);
  // Separate worker processes need a shared database: the postgres backend only.
  const twoProcesses = BACKEND === 'postgres' ? await measure(2, runs, true) : undefined;
  const target = BACKEND === 'postgres' ? 1_000_000 : 100_000;
  const best = twoProcesses ?? two;
  return {
    name: `scheduled-agent runs per hour, no-op agent, each recorded (${BACKEND}, ${runs} runs, concurrency 16 per worker)`,
    rows: [
      { metric: 'one worker', value: Math.round(one), unit: 'runs/hour' },
      { metric: 'two workers, one process', value: Math.round(two), unit: 'runs/hour', ...(twoProcesses ? {} : { target: `≥ ${target.toLocaleString('en-US')}`, met: two >= target }) },
      ...(twoProcesses ? [{ metric: 'two worker processes', value: Math.round(twoProcesses), unit: 'runs/hour', target: `≥ ${target.toLocaleString('en-US')}`, met: twoProcesses >= target }] : []),
      { metric: 'best two-worker rate', value: round(best / 3600, 1), unit: 'runs/s' },
    ],
  };
}
