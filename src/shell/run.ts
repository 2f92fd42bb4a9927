import { spawn } from 'node:child_process';
import { sandboxed } from '../sandbox/bwrap.js';
import type { SandboxPolicy } from '../sandbox/policy.js';
import { childEnv, scrub } from '../secrets.js';

export interface CommandResult {
  /** Process exit code; null when killed. 0 = success. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last lines of combined stdout+stderr (at most `tailLines` lines / 3,000 chars), secrets scrubbed. */
  tail: string;
}

const TAIL_CHARS = 3_000;

/**
 * Runs a service's shell command line (`test`, `deploy`, `rollback`) with `sh -c` in its repo.
 * The child gets the environment without secret variables; on timeout its whole process group is killed.
 * With `sandbox`, it runs under that policy instead (src/sandbox/bwrap.ts): then `cwd` and `env` are
 * the policy's, and the end of the command is the end of every process it started.
 * @param command a shell command line from aurea.config.yaml
 * @param cwd the service's repo directory
 * @param timeoutMs kill after this long
 * @param secrets values scrubbed from the output tail
 * @param env variables added to the child's environment (never secrets)
 * @param signal kills the command's process group when aborted (a cancelled task); it then ends with exit code null
 */
export function runCommand(
  command: string,
  options: { cwd: string; timeoutMs: number; secrets: readonly string[]; tailLines?: number; signal?: AbortSignal; env?: Record<string, string>; sandbox?: SandboxPolicy | null },
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const { sandbox } = options;
    const line = sandbox ? sandboxed(sandbox, command) : { file: 'sh', args: ['-c', command] };
    const child = spawn(line.file, line.args, {
      cwd: sandbox ? '/' : options.cwd,
      env: sandbox ? sandbox.env : { ...childEnv(process.env), ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-TAIL_CHARS * 4);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, extra = '') => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) exitCode = null;
      const lines = (output + extra).trimEnd().split('\n').slice(-(options.tailLines ?? 20)).join('\n');
      resolve({
        exitCode: timedOut ? null : exitCode,
        timedOut,
        durationMs: performance.now() - started,
        tail: scrub(lines.slice(-TAIL_CHARS), options.secrets),
      });
    };
    child.on('error', (err) => finish(127, `\n${err.message}`));
    child.on('close', (code) => finish(code));
  });
}
