/**
 * The git steps of a task, run with execFile (no shell): a worktree on `aurea/task-<id>` from the
 * service's deploy branch, a commit of the developer's work, its diff, and the merge into the
 * deploy branch (fast-forward when possible; a conflict stops the task).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AureaError } from '../../src/errors.js';
import { childEnv } from '../../src/secrets.js';

const AUTHOR = { GIT_AUTHOR_NAME: 'AUREA', GIT_AUTHOR_EMAIL: 'aurea@localhost', GIT_COMMITTER_NAME: 'AUREA', GIT_COMMITTER_EMAIL: 'aurea@localhost' };

/**
 * Runs git in `cwd`.
 * @returns stdout, trimmed
 * @throws AureaError GIT_FAILED with git's own message
 */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...childEnv(process.env), ...AUTHOR }, maxBuffer: 20 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new AureaError('GIT_FAILED', `git ${args[0]} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`));
      else resolve(stdout.trimEnd());
    });
  });
}

/** The branch the service's checkout is on: what it deploys from. */
export const deployBranch = (repo: string) => git(repo, 'symbolic-ref', '--short', 'HEAD');

/** The task's branch name. */
export const taskBranch = (taskId: string) => `aurea/task-${taskId}`;

/**
 * Creates (or, after a restart, finds) the task's worktree at `dir` on a new branch from `base`.
 * @returns the commit it started from
 */
export async function addWorktree(repo: string, dir: string, branch: string, base: string): Promise<string> {
  if (!existsSync(dir)) await git(repo, 'worktree', 'add', '-B', branch, dir, base);
  return git(repo, 'rev-parse', base);
}

/** Removes the worktree (its branch stays, for the record). Never throws. */
export async function removeWorktree(repo: string, dir: string): Promise<void> {
  await git(repo, 'worktree', 'remove', '--force', dir).catch(() => undefined);
  await git(repo, 'worktree', 'prune').catch(() => undefined);
}

/** Commits everything in the worktree; nothing to commit is fine. @returns the HEAD commit */
export async function commitAll(dir: string, message: string): Promise<string> {
  await git(dir, 'add', '-A');
  const status = await git(dir, 'status', '--porcelain');
  if (status) await git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** `git diff --stat` and the full diff of the task's branch against where it started. */
export async function diffOf(dir: string, base: string): Promise<{ stat: string; patch: string }> {
  const [stat, patch] = await Promise.all([git(dir, 'diff', '--stat', base, 'HEAD'), git(dir, 'diff', base, 'HEAD')]);
  return { stat, patch };
}

/**
 * Merges the task's branch into the checkout's deploy branch: fast-forward when possible, else a
 * merge commit. A conflict is aborted (the checkout is left as it was).
 * @returns the commit the checkout was on before (the previous good commit) and the one after
 * @throws AureaError GIT_FAILED on a conflict
 */
export async function mergeIntoDeployBranch(repo: string, branch: string): Promise<{ previous: string; merged: string }> {
  const previous = await git(repo, 'rev-parse', 'HEAD');
  try {
    await git(repo, 'merge', '--ff-only', '-q', branch);
  } catch {
    try {
      await git(repo, 'merge', '--no-ff', '--no-edit', '-q', branch);
    } catch (err) {
      await git(repo, 'merge', '--abort').catch(() => undefined);
      throw new AureaError('GIT_FAILED', `The task's branch ${branch} conflicts with the deploy branch; nothing was merged. (${(err as Error).message})`);
    }
  }
  return { previous, merged: await git(repo, 'rev-parse', 'HEAD') };
}

/** Puts the checkout back on `commit` (the previous good deploy). */
export const resetTo = (repo: string, commit: string) => git(repo, 'reset', '--hard', '-q', commit);
