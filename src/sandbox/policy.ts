/**
 * What a sandboxed command may see and do (src/sandbox/bwrap.ts runs it). Code that a model wrote —
 * a task's tests run by the tester, the developer's `run_command`, an external coding CLI — runs
 * only under such a policy: the system read-only, the task's worktree the only writable place
 * besides a private /tmp and HOME, AUREA's own files absent, no network unless the service allows
 * it, an environment built from an allow-list, and limits on CPU time, memory and file size.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, ServiceConfig } from '../config.js';

export interface SandboxLimits {
  /** CPU seconds per process (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Bytes of data segment and private writable memory per process (RLIMIT_DATA). */
  memoryBytes: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE). */
  fileBytes: number;
}

export interface SandboxPolicy {
  /** Directories the command may write (the task's worktree); everything else it sees is read-only. */
  writable: string[];
  /** Paths inside `writable` kept read-only (the worktree's `.git` link, so no command can point AUREA's git elsewhere). */
  readOnly: string[];
  /** Extra files or directories it may read (the external developer's task file). */
  readable: string[];
  /** Paths that must not be seen even where a system directory holds them (AUREA's checkout, data dir, config, .env). */
  hidden: string[];
  /** `none`: loopback only, in its own network namespace (nothing on the host's 127.0.0.1 answers); `allow`: the host's network. */
  network: 'none' | 'allow';
  /** The whole environment of the command (nothing else of AUREA's is passed). */
  env: Record<string, string>;
  /** The working directory (inside `writable`). */
  cwd: string;
  limits: SandboxLimits;
}

/** Where the command's HOME is: inside the sandbox's private /tmp. */
export const SANDBOX_HOME = '/tmp/home';

/** PATH inside the sandbox: the system's directories (the host's PATH may name AUREA's or a user's folders). */
const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** AUREA's own install: the folder holding src/ (or dist/src/). */
const AUREA_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The environment of a sandboxed command: PATH, LANG, HOME, CI=true, TERM=dumb, and the variables
 * that `services.<name>.env` names, with their values from AUREA's environment. Nothing
 * else: no token, no SSH agent socket, no cloud credentials, no PGPASSWORD.
 * @param processEnv AUREA's environment (process.env)
 */
export function sandboxEnv(names: readonly string[], processEnv: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const nodeDir = dirname(process.execPath);
  const path = SANDBOX_PATH.split(':').includes(nodeDir) ? SANDBOX_PATH : `${SANDBOX_PATH}:${nodeDir}`;
  const named = Object.fromEntries(names.flatMap((n) => (processEnv[n] !== undefined ? [[n, processEnv[n]!]] : [])));
  return { PATH: path, LANG: processEnv.LANG ?? 'C.UTF-8', HOME: SANDBOX_HOME, CI: 'true', TERM: 'dumb', ...named, ...extra };
}

/**
 * The policy for a command of a service's task that runs in `worktree`.
 * @param options.readable more paths it may read (the task file)
 * @param options.env more variables (AUREA_TASK_FILE)
 * @returns null when the service says `sandbox: off` (then the command runs as AUREA's own, unconfined)
 */
export function taskSandbox(
  config: Pick<Config, 'database' | 'configFile'>,
  svc: Pick<ServiceConfig, 'sandbox' | 'repo' | 'env'>,
  worktree: string,
  options: { readable?: string[]; env?: Record<string, string>; processEnv?: NodeJS.ProcessEnv } = {},
): SandboxPolicy | null {
  if (svc.sandbox === 'off') return null;
  const processEnv = options.processEnv ?? process.env;
  const home = processEnv.HOME;
  return {
    writable: [worktree],
    readOnly: [join(worktree, '.git')],
    readable: options.readable ?? [],
    hidden: [
      AUREA_ROOT,
      process.cwd(),
      config.database.dataDir,
      ...(config.configFile ? [config.configFile, dirname(config.configFile)] : []),
      ...(home && isAbsolute(home) ? [home] : []),
      // The service's own checkout (its .git holds the deploy branch and maybe credentials).
      svc.repo,
    ],
    network: svc.sandbox.network,
    env: sandboxEnv(svc.env, processEnv, options.env),
    cwd: worktree,
    limits: { cpuSeconds: svc.sandbox.cpuSeconds, memoryBytes: svc.sandbox.memoryMb * 1024 * 1024, fileBytes: svc.sandbox.fileSizeMb * 1024 * 1024 },
  };
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const p = resolve(path);
  const d = resolve(dir);
  return p === d || p.startsWith(d.endsWith('/') ? d : `${d}/`);
}
