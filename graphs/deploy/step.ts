import type { ServiceConfig } from '../../src/config.js';
import { runCommand } from '../../src/shell/run.js';
import type { DeployDeps } from './deps.js';
import type { StepResult } from './state.js';

/** Runs one of a service's commands in its repo (or `cwd`, a task's worktree); a missing command is a skipped, successful step. */
export async function runStep(deps: Pick<DeployDeps, 'config'>, svc: ServiceConfig, command: string | undefined, cwd = svc.repo, signal?: AbortSignal): Promise<StepResult> {
  if (!command) return { ok: true, exitCode: 0, timedOut: false, durationMs: 0, tail: '', skipped: true };
  const r = await runCommand(command, { cwd, timeoutMs: deps.config.deploy.commandTimeoutMs, secrets: deps.config.secrets, signal });
  return { ok: r.exitCode === 0, exitCode: r.exitCode, timedOut: r.timedOut, durationMs: r.durationMs, tail: r.tail };
}

/** "exit 1", "timed out", "exit 0 in 1.2s" */
export function describeStep(r: StepResult): string {
  if (r.skipped) return 'no command configured';
  const took = `${(r.durationMs / 1000).toFixed(1)}s`;
  if (r.timedOut) return `timed out after ${took}`;
  return r.ok ? `passed in ${took}` : `failed with exit ${r.exitCode} after ${took}`;
}

/** The last `n` lines of a step's output, indented, or nothing. */
export function tailBlock(r: StepResult, n = 8): string {
  const lines = r.tail.trim().split('\n').filter(Boolean).slice(-n);
  return lines.length ? `\n${lines.map((l) => `  ${l}`).join('\n')}` : '';
}
