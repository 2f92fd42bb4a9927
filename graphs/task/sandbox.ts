import { sandboxAvailable } from '../../src/sandbox/bwrap.js';
import { taskSandbox, type SandboxPolicy } from '../../src/sandbox/policy.js';
import type { TaskDeps } from './deps.js';

/**
 * The sandbox a task's model-written code runs in (src/sandbox/), for the service's worktree.
 * @param options.readable / env: what the external coding CLI also needs (its task file)
 * @returns the policy (null under `sandbox: off`), or why the code cannot run: the sandbox is missing
 *   and the service did not say `sandbox: off`
 */
export function taskSandboxOrWhy(
  deps: Pick<TaskDeps, 'config'>,
  service: string,
  worktree: string,
  options: { readable?: string[]; env?: Record<string, string> } = {},
): { sandbox: SandboxPolicy | null } | { why: string } {
  const svc = deps.config.services[service]!;
  const sandbox = taskSandbox(deps.config, svc, worktree, options);
  if (!sandbox) return { sandbox: null };
  const available = sandboxAvailable();
  if (!available.ok) return { why: `code a model wrote runs only in the sandbox, and ${available.reason}; or set services.${service}.sandbox: off to run it unsandboxed` };
  return { sandbox };
}
