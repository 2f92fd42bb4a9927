import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AgentInfo } from '../src/agents/port.js';
import { effectiveSchedule, intervalOf, scheduleText } from '../src/agents/schedule.js';
import type { RunTrigger } from '../src/agents/store.js';
import type { Core } from '../src/core.js';
import { formatDuration } from '../src/duration.js';
import { AureaError, describeError } from '../src/errors.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { FailedRun } from '../src/runs/failures.js';
import type { GraphJob, GraphJobs, GraphName, GraphRunner } from '../src/runs/port.js';
import { scrub } from '../src/secrets.js';
import { GRAPH_JOB_ATTEMPTS, retryButton } from './graph-jobs.js';
import { agentContext, type AgentDeps } from './agents/kit.js';
import { GRAPHS_QUEUE, AGENTS_QUEUE, graphJobSchema } from './definitions.js';
import type { AgentCatalog } from './schedules.js';

/** What the agents' worker uses: the agents' deps, their registry and runs, the metrics, and the catalog. */
export type AgentWorkerDeps = AgentDeps & Pick<Core, 'agents' | 'metrics'> & { catalog: AgentCatalog };

/**
 * When a job scheduler's job was due: BullMQ names them `repeat:<scheduler key>:<due millis>`.
 * @returns epoch ms, or null for a job queued by hand (/run)
 */
export function dueAt(jobId: string | undefined): number | null {
  const m = /^repeat:.+:(\d+)$/.exec(jobId ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * How late a scheduled run is: the time since the agent last ran (or was resumed, rescheduled,
 * enabled) and its interval. Two intervals and `jobs.missedGrace` mean runs were missed while no worker ran
 * (BullMQ keeps one pending job per scheduler, so what arrives late is one job, never a burst).
 */
async function intervalsSinceLastRun(deps: AgentWorkerDeps, info: AgentInfo, now: number): Promise<{ intervalMs: number; gapMs: number; text: string }> {
  const row = await deps.agents.get(info.name);
  const schedule = effectiveSchedule(info, row?.schedule_override ?? null);
  const last = await deps.agents.lastStarted(info.name);
  const since = Math.max(last?.getTime() ?? 0, row?.active_since.getTime() ?? now);
  const gapMs = now - since;
  return { intervalMs: intervalOf(schedule, new Date(since)), gapMs, text: scheduleText(schedule) };
}

/**
 * Runs one scheduled-agent job: validates its payload; for a scheduled job that arrives after
 * missed runs, applies the agent's `missed` policy (`skip`: recorded as skipped; `notify`: skipped
 * and the founders told; `once`: this one run catches up); records the run in ai_agent_executions
 * (running → succeeded | failed; a retry after a crash continues its row) and counts and times it in
 * metrics. An invalid payload or unknown agent is an UnrecoverableError (never retried).
 */
export async function runAgentJob(deps: AgentWorkerDeps, job: Pick<Job, 'name' | 'id' | 'data'>): Promise<unknown> {
  const agent = deps.catalog.byName.get(job.name);
  const info = deps.catalog.info.find((a) => a.name === job.name);
  if (!agent || !info) throw new UnrecoverableError(`unknown agent "${job.name}"`);
  const payload = agent.payload.safeParse(job.data ?? {});
  if (!payload.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${payload.error.issues[0]?.message}`);

  let trigger: RunTrigger = dueAt(job.id) === null ? 'manual' : 'schedule';
  if (trigger === 'schedule') {
    const late = await intervalsSinceLastRun(deps, info, Date.now());
    // `jobs.missedGrace` (5 s) whatever the interval: a slow worker is not downtime (it was at most
    // the interval, and a 1 s agent on a loaded machine was judged late right after its catch-up).
    if (late.gapMs >= 2 * late.intervalMs + deps.config.jobs.missedGraceMs) {
      const what = `no run for ${formatDuration(late.gapMs)} (${late.text})`;
      if (info.missed === 'once') trigger = 'catch-up';
      else {
        await deps.agents.skipped(job.name, job.id ?? null, `skipped a catch-up run after ${what} (missed: ${info.missed})`);
        deps.metrics.jobRuns.inc({ agent: job.name, outcome: 'skipped' });
        if (info.missed === 'notify') {
          await deps.alerts.raise({
            severity: 'warning',
            source: `agent:${job.name}`,
            message: `${job.name} missed its runs while AUREA was not running: ${what}. It was not run to catch up (agents.${job.name}.missed: notify); /run ${job.name} runs it now.`,
          });
        }
        return 'skipped';
      }
    }
  }

  const execId = await deps.agents.started(job.name, job.id ?? null, trigger);
  const timer = deps.metrics.jobDuration.startTimer({ agent: job.name });
  try {
    const result = await agent.run(agentContext(deps, job.name), payload.data);
    await deps.agents.succeeded(execId, { summary: result.summary, ...result.output });
    deps.metrics.jobRuns.inc({ agent: job.name, outcome: 'succeeded' });
    return result.summary;
  } catch (err) {
    await deps.agents.failed(execId, describeError(err)).catch(() => undefined);
    deps.metrics.jobRuns.inc({ agent: job.name, outcome: 'failed' });
    throw err;
  } finally {
    timer();
  }
}

/** Lock and stalled-check settings shared by AUREA's workers (config `jobs.*`). */
export function lockOptions(config: Pick<Config, 'jobs'>) {
  // A job is retried after a crash by stalled-job recovery: up to 3 crashed attempts, then failed.
  return { lockDuration: config.jobs.lockDurationMs, stalledInterval: config.jobs.stalledIntervalMs, maxStalledCount: 3 };
}

/**
 * The BullMQ Worker for the agents queue. Closing it lets running jobs finish.
 * @param concurrency agent runs at once in this worker (default 4)
 */
export function startWorker(core: AgentWorkerDeps, connection: Redis, concurrency = 4): Worker {
  const worker = new Worker(AGENTS_QUEUE, (job) => runAgentJob(core, job), {
    connection,
    prefix: core.config.redis.prefix,
    concurrency,
    ...lockOptions(core.config),
  });
  worker.on('failed', (job, err) => core.log.warn({ agent: job?.name, err }, 'agent run failed'));
  worker.on('error', (err) => core.log.error({ err }, 'worker error'));
  return worker;
}

/** A graph job that retrying cannot help (invalid, or naming an approval its thread does not wait for). */
class CannotRun extends UnrecoverableError {}

/** What the graphs' worker needs besides the runners. */
export interface GraphWorkerDeps {
  config: Config;
  log: Logger;
  /** Where a run that waits for its service's lease is continued from, later. */
  graphJobs: GraphJobs;
  /** Tells the founders about a run that failed for good (src/runs/failures.ts reportFailedRun). */
  runFailed(failed: FailedRun): Promise<void>;
}

/**
 * The BullMQ Worker for the graphs queue: validates each job and hands it to its graph's runner.
 * A worker killed mid-run loses its lock; another worker (or this one restarted) continues the
 * run from its last checkpoint. A run whose service is held by another run ends its job and is
 * continued by a delayed `continue` job (no worker slot waits). A failing run is retried
 * ({@link GRAPH_JOB_ATTEMPTS} tries in all; a resume whose run has not paused yet waits longer); one
 * that fails for good, or can never run (an invalid job, a resume naming another thread's
 * approval), is reported to the founders with a retry button where retrying can help.
 */
export function startGraphWorker(deps: GraphWorkerDeps, connection: Redis, runners: Readonly<Record<GraphName, GraphRunner>>): Worker {
  const worker = new Worker(
    GRAPHS_QUEUE,
    async (job) => {
      const parsed = graphJobSchema.safeParse(job.data);
      if (!parsed.success) throw new CannotRun(`it is not a valid graph job (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
      const data: GraphJob = parsed.data;
      const recovering = job.stalledCounter > 0;
      deps.log.info({ job: job.id, thread: data.threadId, attempt: job.attemptsStarted, recovering }, 'graph job started');
      try {
        await runners[data.graph].run(data, recovering);
      } catch (err) {
        const code = err instanceof AureaError ? err.code : undefined;
        // The run waits (for its service's lease, for a pull request's checks): continued later, off this worker.
        if (code === 'SERVICE_BUSY' || code === 'RUN_WAITS') {
          const wait = (err as AureaError & { retryInMs?: number }).retryInMs ?? 1_000;
          await deps.graphJobs.enqueue({ action: 'continue', graph: data.graph, threadId: data.threadId }, wait);
          return;
        }
        if (code === 'APPROVAL_MISMATCH') throw new CannotRun(describeError(err));
        // A resume retries longer only while its run has not paused yet (GRAPH_BUSY).
        if (code !== 'GRAPH_BUSY' && job.attemptsMade + 1 >= GRAPH_JOB_ATTEMPTS) throw new UnrecoverableError(describeError(err));
        throw err;
      }
    },
    { connection, prefix: deps.config.redis.prefix, concurrency: 8, ...lockOptions(deps.config) },
  );
  worker.on('failed', (job, err) => {
    deps.log.error({ job: job?.id, err }, 'graph run failed');
    if (!job) return;
    void job.isFailed().then(async (final) => {
      if (!final) return;
      const parsed = graphJobSchema.safeParse(job.data);
      if (!parsed.success) return deps.log.error({ job: job.id }, 'an invalid graph job failed; nobody can be told what it was');
      await deps.runFailed({
        jobId: job.id!,
        job: parsed.data,
        queuedAt: job.timestamp,
        reason: scrub(err.message, deps.config.secrets),
        retry: err instanceof CannotRun ? null : retryButton(job.id!),
      });
    });
  });
  worker.on('error', (err) => deps.log.error({ err }, 'graph worker error'));
  return worker;
}
