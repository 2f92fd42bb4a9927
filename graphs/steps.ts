/**
 * The steps every graph shares: running one of a service's commands (sandboxed when the code is a
 * model's), describing the result as AUREA measured it, waiting for a service to be healthy, and
 * holding the service's lease (one change to a service at a time).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth } from '../src/health/check.js';
import { ON_MERGE, type Config, type ServiceConfig } from '../src/config.js';
import { AureaError } from '../src/errors.js';
import type { ServiceLeases } from '../src/leases/store.js';
import type { Broadcaster } from '../src/channels/broadcast.js';
import type { StepJournal } from '../src/runs/journal.js';
import type { SandboxPolicy } from '../src/sandbox/policy.js';
import { runCommand } from '../src/shell/run.js';

/** Outcome of one shell step (tests, deploy, rollback). */
export interface StepResult {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** Last lines of output, secrets scrubbed. */
  tail: string;
  /** True when the service has no command for this step. */
  skipped?: boolean;
  /** Set when an earlier attempt started this step and died before recording its end (ISO time). */
  interruptedAt?: string;
}

/**
 * Runs one of a service's commands in its repo (or `cwd`, a task's worktree); a missing command is a
 * skipped, successful step.
 * @param sandbox the policy for code a model wrote (src/sandbox/policy.ts taskSandbox), or null to run as AUREA's own
 */
export async function runStep(
  deps: { config: Pick<Config, 'deploy' | 'secrets'> },
  svc: ServiceConfig,
  command: string | undefined,
  cwd = svc.repo,
  signal?: AbortSignal,
  sandbox?: SandboxPolicy | null,
): Promise<StepResult> {
  if (!command) return { ok: true, exitCode: 0, timedOut: false, durationMs: 0, tail: '', skipped: true };
  // `deploy: on-merge`: the platform deploys what was merged on GitHub; there is no command to run.
  if (command === ON_MERGE) return { ok: true, exitCode: 0, timedOut: false, durationMs: 0, tail: 'the platform deploys the merge itself (deploy: on-merge)', skipped: true };
  const r = await runCommand(command, { cwd, timeoutMs: deps.config.deploy.commandTimeoutMs, secrets: deps.config.secrets, signal, sandbox });
  return { ok: r.exitCode === 0, exitCode: r.exitCode, timedOut: r.timedOut, durationMs: r.durationMs, tail: r.tail };
}

/** "exit 1", "timed out", "exit 0 in 1.2s" */
export function describeStep(r: StepResult): string {
  if (r.skipped) return 'no command configured';
  const took = `${(r.durationMs / 1000).toFixed(1)}s`;
  if (r.timedOut) return `timed out after ${took}`;
  return r.ok ? `passed in ${took}` : `failed with exit ${r.exitCode} after ${took}`;
}

/**
 * What AUREA itself measured of a step, apart from anything the command printed (which code a model
 * wrote can make say anything): `exit 0 after 1.2s, 14 lines of output`.
 */
export function measuredStep(r: StepResult): string {
  if (r.skipped) return 'no test command configured';
  const lines = r.tail.trim() ? r.tail.trim().split('\n').length : 0;
  const end = r.timedOut ? 'killed at the time limit' : r.exitCode === null ? 'killed' : `exit ${r.exitCode}`;
  return `${end} after ${(r.durationMs / 1000).toFixed(1)}s, ${lines} line${lines === 1 ? '' : 's'} of output`;
}

/** The last `n` lines of a step's output, indented, or nothing. */
export function tailBlock(r: StepResult, n = 8): string {
  const lines = r.tail.trim().split('\n').filter(Boolean).slice(-n);
  return lines.length ? `\n${lines.map((l) => `  ${l}`).join('\n')}` : '';
}

/**
 * Polls a service's `health` URL every `deploy.verifyInterval` until it answers 2xx, for at most
 * `deploy.verifyTimeout` (every graph's verify).
 * @returns ok, what was seen, and how long it waited (ms); ok without a health URL
 */
export async function waitHealthy(deps: { config: Pick<Config, 'deploy'> }, svc: ServiceConfig): Promise<{ ok: boolean; detail: string; waitedMs: number }> {
  if (!svc.health) return { ok: true, detail: 'no health URL configured', waitedMs: 0 };
  const { verifyTimeoutMs, verifyIntervalMs } = deps.config.deploy;
  const started = Date.now();
  for (;;) {
    const r = await checkHealth(svc.health, Math.min(svc.healthTimeout, verifyTimeoutMs));
    const waitedMs = Date.now() - started;
    if (r.ok) return { ok: true, detail: `healthy (HTTP ${r.status})`, waitedMs };
    if (waitedMs + verifyIntervalMs > verifyTimeoutMs) return { ok: false, detail: r.error ?? 'unhealthy', waitedMs };
    await sleep(verifyIntervalMs);
  }
}

/**
 * How long a run waiting for a service's lease waits before it tries again (its job is delayed, not
 * its worker slot): a tenth of how long the holder has held it, between 1 s and 30 s, so a short
 * deploy is followed at once and a lease held for hours (a founder's answer awaited) is not polled
 * every second.
 */
export const leaseRetryMs = (heldForMs: number) => Math.min(30_000, Math.max(1_000, Math.round(heldForMs / 10)));

/**
 * The error that ends a node whose service is held by another run: the graph worker re-queues the
 * job with a delay (jobs/worker.ts), and the node runs again from the same checkpoint.
 */
/**
 * A run that must wait for something outside it (its service's lease, a pull request's checks): its
 * job ends and a delayed `continue` job takes the run up again after `retryInMs` from its last
 * checkpoint (jobs/worker.ts), so no worker slot waits.
 */
export class RunWaitsError extends AureaError {
  override readonly name: string = 'RunWaitsError';
  constructor(
    message: string,
    readonly retryInMs: number,
    code: 'RUN_WAITS' | 'SERVICE_BUSY' = 'RUN_WAITS',
  ) {
    super(code, message);
  }
}

/** The run waits for its service's lease ({@link holdService}). */
export class ServiceBusyError extends RunWaitsError {
  override readonly name = 'ServiceBusyError';
  constructor(message: string, retryInMs: number) {
    super(message, retryInMs, 'SERVICE_BUSY');
  }
}

/**
 * Takes the service's lease for this run (src/leases/store.ts), or, when another run holds it,
 * tells the founders once who holds it and throws ServiceBusyError so the run waits off its worker.
 * @param what this run in words, for whoever waits on it (`task #3`, `the deploy Ada asked for`)
 * @param waiting this run in words, for the founders (`The deploy of billing`)
 * @throws ServiceBusyError while another run holds the service
 */
export async function holdService(
  deps: { leases: ServiceLeases; journal: StepJournal; broadcaster: Pick<Broadcaster, 'broadcast'> },
  input: { service: string; threadId: string; what: string; waiting: string },
): Promise<void> {
  const holder = await deps.leases.acquire(input.service, input.threadId, input.what);
  if (!holder) return;
  if (await deps.journal.mark(input.threadId, `lease-wait:${holder.holder}`)) {
    const since = holder.since.toISOString().slice(11, 16);
    await deps.broadcaster.broadcast({ text: `⏳ ${input.waiting} waits: ${holder.what} is changing ${input.service} (since ${since} UTC). It goes on as soon as that ends; one change to a service at a time.` });
  }
  throw new ServiceBusyError(`${input.service} is held by ${holder.what}`, leaseRetryMs(Date.now() - holder.since.getTime()));
}
