/**
 * AUREA's own git commands, run with execFile (no shell) and with nothing of the repository's
 * able to run code: hooks off (`core.hooksPath` pointed at an empty folder, `commit --no-verify`),
 * no fsmonitor. A task's worktree is addressed by its git directory, recorded when AUREA created it
 * (`--git-dir`/`--work-tree`), never through the `.git` file in the worktree, which a command run
 * there could have rewritten. The steps: a worktree on `aurea/task-<id>` from the deploy branch, a
 * commit of the developer's work, its diff, and merging an approved commit into the deploy branch.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AureaError } from '../src/errors.js';
import { childEnv } from '../src/secrets.js';

const AUTHOR = { GIT_AUTHOR_NAME: 'AUREA', GIT_AUTHOR_EMAIL: 'aurea@localhost', GIT_COMMITTER_NAME: 'AUREA', GIT_COMMITTER_EMAIL: 'aurea@localhost' };

let noHooks: string | undefined;
/** An empty folder of AUREA's own (mode 700) for `core.hooksPath`: no hook is ever found. */
function emptyHooksDir(): string {
  noHooks ??= mkdtempSync(join(tmpdir(), 'aurea-no-hooks-'));
  return noHooks;
}

/**
 * Runs git in `cwd` with hooks and fsmonitor off.
 * @returns stdout, trimmed
 * @throws AureaError GIT_FAILED with git's own message
 */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return runGit(cwd, args);
}

/**
 * A credential helper that answers git's `get` with the token in AUREA_GIT_TOKEN, an environment
 * variable of that one git process, and only for the host in AUREA_GIT_HOST (the `origin` remote's):
 * a remote that redirects elsewhere gets no token. The token is never in the remote URL, an argument,
 * the repository's config or git's output (docs: gitcredentials, "custom helpers": git writes
 * `host=<host[:port]>` among the attributes on the helper's stdin). `x-access-token` is the user name
 * GitHub takes with a token (fine-grained, or a GitHub App installation's).
 */
export const TOKEN_HELPER =
  '!f() { test "$1" = get || exit 0; h=; while IFS= read -r l && test -n "$l"; do case "$l" in host=*) h="${l#host=}";; esac; done; ' +
  'test "$h" = "$AUREA_GIT_HOST" && printf "username=x-access-token\\npassword=%s\\n" "$AUREA_GIT_TOKEN"; }; f';

/**
 * Runs git against the repository's `origin` remote (`push`, `fetch`) with `token` supplied by a
 * credential helper for origin's host only; no other helper, no prompt.
 * @returns stdout, trimmed
 * @throws AureaError GIT_FAILED with git's own message (the token is not in it), or when origin is not an http(s) URL
 */
export async function gitWithToken(cwd: string, token: string, ...args: string[]): Promise<string> {
  const origin = await git(cwd, 'remote', 'get-url', 'origin');
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
    host = url.host;
  } catch {
    throw new AureaError('GIT_FAILED', `The checkout's origin remote (${origin.replace(/\/\/[^@/]*@/, '//')}) is not an https URL, so the GitHub token cannot be used with it: set it with git remote set-url origin https://github.com/<owner>/<name>.git`);
  }
  return runGit(cwd, ['-c', 'credential.helper=', '-c', `credential.helper=${TOKEN_HELPER}`, ...args], [], { AUREA_GIT_TOKEN: token, AUREA_GIT_HOST: host, GIT_TERMINAL_PROMPT: '0' });
}

/** git with hooks and fsmonitor off; an exit code in `quiet` is an empty answer instead of a failure. */
function runGit(cwd: string, args: string[], quiet: readonly number[] = [], extraEnv: Record<string, string> = {}): Promise<string> {
  const safe = ['-c', `core.hooksPath=${emptyHooksDir()}`, '-c', 'core.fsmonitor=false'];
  return new Promise((resolvePromise, reject) => {
    execFile('git', [...safe, ...args], { cwd, env: { ...childEnv(process.env), ...AUTHOR, ...extraEnv }, maxBuffer: 20 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && !(typeof err.code === 'number' && quiet.includes(err.code))) {
        reject(new AureaError('GIT_FAILED', `git ${args.find((a) => !a.startsWith('-')) ?? args[0]} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`));
      } else resolvePromise(stdout.trimEnd());
    });
  });
}

/** A task's worktree: its folder, branch, the commit it started from, and its git directory as AUREA created it. */
export interface Worktree {
  dir: string;
  branch: string;
  base: string;
  /** `<repo>/.git/worktrees/<name>`: read once, right after `git worktree add`. */
  gitDir: string;
}

/** Runs git on a task's worktree through its recorded git directory. */
export const inWorktree = (wt: Pick<Worktree, 'dir' | 'gitDir'>, ...args: string[]) => git(wt.dir, `--git-dir=${wt.gitDir}`, `--work-tree=${wt.dir}`, ...args);

/**
 * `git grep -n -E` for `pattern` under `path` of a task's worktree (tracked and untracked files).
 * @returns the matching lines (`file:line:text`), or '' when nothing matches
 */
export const grepWorktree = (wt: Pick<Worktree, 'dir' | 'gitDir'>, pattern: string, path: string) =>
  runGit(wt.dir, [`--git-dir=${wt.gitDir}`, `--work-tree=${wt.dir}`, 'grep', '--untracked', '-n', '-E', '-e', pattern, '--', path], [1]);

/** The branch the service's checkout is on: what it deploys from. */
export const deployBranch = (repo: string) => git(repo, 'symbolic-ref', '--short', 'HEAD');

/** The task's branch name. */
export const taskBranch = (taskId: string) => `aurea/task-${taskId}`;

/**
 * Creates the task's worktree at `dir` on a new branch from `base`. A folder left at `dir` by
 * an earlier database (a task of the same number) is removed first: a new task never has one.
 * @returns the worktree, with the commit it started from
 */
export async function addWorktree(repo: string, dir: string, branch: string, base: string): Promise<Worktree> {
  if (existsSync(dir)) {
    await git(repo, 'worktree', 'remove', '--force', dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await git(repo, 'worktree', 'prune').catch(() => undefined);
  }
  await git(repo, 'worktree', 'add', '-q', '-B', branch, dir, base);
  return { dir, branch, base: await git(repo, 'rev-parse', base), gitDir: recordedGitDir(dir) };
}

/** The git directory named by a worktree's `.git` file, just after AUREA created it. */
function recordedGitDir(dir: string): string {
  const m = /^gitdir: (.+)$/m.exec(readFileSync(join(dir, '.git'), 'utf8'));
  if (!m) throw new AureaError('GIT_FAILED', `git did not create ${dir}/.git as a worktree link`);
  return resolve(dir, m[1]!.trim());
}

/** Removes the worktree (its branch stays, for the record). Never throws. */
export async function removeWorktree(repo: string, dir: string): Promise<void> {
  await git(repo, 'worktree', 'remove', '--force', dir).catch(() => undefined);
  await git(repo, 'worktree', 'prune').catch(() => undefined);
}

/** Commits everything in the worktree (`--no-verify`); nothing to commit is fine. @returns the HEAD commit */
export async function commitAll(wt: Pick<Worktree, 'dir' | 'gitDir'>, message: string): Promise<string> {
  await inWorktree(wt, 'add', '-A');
  const status = await inWorktree(wt, 'status', '--porcelain');
  if (status) await inWorktree(wt, 'commit', '-q', '--no-verify', '-m', message);
  return inWorktree(wt, 'rev-parse', 'HEAD');
}

/** The commit and tree a ref (or `HEAD`) names in a repository. */
export async function commitAndTree(repo: string, ref: string): Promise<{ commit: string; tree: string }> {
  const [commit, tree] = (await git(repo, 'rev-parse', `${ref}^{commit}`, `${ref}^{tree}`)).split('\n');
  return { commit: commit!, tree: tree! };
}

/** `git diff --stat` and the full diff between two commits. */
export async function diffOf(repo: string, base: string, head: string): Promise<{ stat: string; patch: string }> {
  const [stat, patch] = await Promise.all([git(repo, 'diff', '--stat', base, head), git(repo, 'diff', base, head)]);
  return { stat, patch };
}

/**
 * Merges an approved commit (never a branch name: what moved after the approval is not taken) into
 * the checkout's deploy branch: fast-forward when possible, else a merge commit. A conflict is
 * aborted (the checkout is left as it was).
 * @returns the commit the checkout was on before (the previous good commit) and the one after
 * @throws AureaError GIT_FAILED on a conflict
 */
export async function mergeIntoDeployBranch(repo: string, commit: string, label: string): Promise<{ previous: string; merged: string }> {
  const previous = await git(repo, 'rev-parse', 'HEAD');
  try {
    await git(repo, 'merge', '--ff-only', '-q', commit);
  } catch {
    try {
      await git(repo, 'merge', '--no-ff', '--no-verify', '--no-edit', '-q', '-m', `Merge ${label} (${commit.slice(0, 7)})`, commit);
    } catch (err) {
      await git(repo, 'merge', '--abort').catch(() => undefined);
      throw new AureaError('GIT_FAILED', `${label} conflicts with the deploy branch; nothing was merged. (${(err as Error).message})`);
    }
  }
  return { previous, merged: await git(repo, 'rev-parse', 'HEAD') };
}

/** Puts the checkout back on `commit` (the previous good deploy). */
export const resetTo = (repo: string, commit: string) => git(repo, 'reset', '--hard', '-q', commit);
