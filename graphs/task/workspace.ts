import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AureaError } from '../../src/errors.js';

/** Whether a path relative to the worktree passes through `.git` (any case: `.GIT` is the same folder on a case-insensitive disk). */
const inGit = (rel: string) => rel.split(sep).some((part) => part.toLowerCase() === '.git');

/** Whether something (a symlink included, even a dangling one) is at `path`; a path through a file is not. */
function exists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // ENOTDIR: a part of the path is a file
  }
}

/** Whether a path relative to the worktree leaves it. */
const leaves = (rel: string) => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);

/**
 * A task's git worktree as the developer's tools see it: every path they are given is resolved
 * inside it, or refused. Refused: absolute paths, `..` that leaves it, a symlink (anywhere on the
 * path, the target itself included) that points out of it, and anything whose path or real path is
 * under `.git` in any case (`.GIT`, a symlink to `.git`): hooks and config there run outside the tools.
 */
export class Workspace {
  readonly root: string;

  /** @param root the worktree's directory (it must exist) */
  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /**
   * @param path a path relative to the worktree (`src/health.js`, `.` for the root)
   * @returns the absolute real path inside the worktree (symlinks resolved, for the part that exists)
   * @throws AureaError PATH_REFUSED saying why
   */
  resolve(path: string): string {
    const refuse = (why: string) => new AureaError('PATH_REFUSED', `Refused "${path}": ${why}. Paths are relative to the service's worktree.`);
    if (!path || isAbsolute(path)) throw refuse('absolute paths are not allowed');
    const full = resolve(this.root, path);
    const rel = relative(this.root, full);
    if (leaves(rel)) throw refuse('it leaves the worktree');
    if (inGit(rel)) throw refuse('.git is not part of the work');
    // The nearest part of the path that exists decides where it really leads (symlinks resolved,
    // the target's own included); the rest is appended to that real path.
    let probe = full;
    const missing: string[] = [];
    while (!exists(probe)) {
      missing.unshift(basename(probe));
      probe = dirname(probe);
    }
    let realProbe: string;
    try {
      realProbe = realpathSync(probe);
    } catch {
      throw refuse('a symbolic link on it leads nowhere');
    }
    const real = join(realProbe, ...missing);
    const realRel = relative(this.root, real);
    if (leaves(realRel)) throw refuse('a symbolic link on it points out of the worktree');
    if (inGit(realRel)) throw refuse('a symbolic link on it leads into .git, which is not part of the work');
    return real;
  }

  /** The worktree-relative form of an absolute path inside it. */
  relative(full: string): string {
    return relative(this.root, full) || '.';
  }
}
