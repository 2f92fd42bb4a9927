import { writeFile } from 'node:fs/promises';
import type { SandboxPolicy } from '../../../src/sandbox/policy.js';
import { runCommand } from '../../../src/shell/run.js';
import { untilCancelled } from '../cancel.js';
import type { TaskDeps } from '../deps.js';

/**
 * A developer round by an external coding CLI (`services.<name>.developer.command`): it runs in the
 * worktree, inside the sandbox (it writes code and may run it; it reaches its model only where the
 * service allows the network and names its key in `services.<name>.env`), with the task, the plan and the
 * last test failure in the file named by AUREA_TASK_FILE (outside the worktree, so it is not
 * committed; readable in the sandbox), within the deploy command timeout; /cancel kills it. The
 * tester then decides, as for the built-in developer.
 * @returns the round's summary: the CLI's last output line, or why it failed
 */
export async function externalDeveloperRound(
  deps: Pick<TaskDeps, 'config' | 'taskStore'>,
  input: { taskId: string; command: string; worktree: string; taskFile: string; text: string; sandbox: SandboxPolicy | null },
): Promise<string> {
  await writeFile(input.taskFile, input.text);
  const r = await untilCancelled(deps, input.taskId, (signal) =>
    runCommand(input.command, {
      cwd: input.worktree,
      timeoutMs: deps.config.deploy.commandTimeoutMs,
      secrets: deps.config.secrets,
      signal,
      env: { AUREA_TASK_FILE: input.taskFile, AUREA_TASK_ID: input.taskId },
      sandbox: input.sandbox,
    }),
  );
  const last = r.tail.trim().split('\n').at(-1) ?? '';
  if (r.timedOut) return `the coding CLI timed out${last ? `: ${last}` : ''}`;
  if (r.exitCode !== 0) return `the coding CLI failed (exit ${r.exitCode})${last ? `: ${last}` : ''}`;
  return last || 'changes made by the coding CLI';
}
