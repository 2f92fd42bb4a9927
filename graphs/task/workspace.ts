import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AureaError } from '../../src/errors.js';

/**
 * A task's git worktree as the developer's tools see it: every path they are given is resolved
 * inside it, or refused. Refused: absolute paths, `..` that leaves it, a symlink (anywhere on the
 * path) that points out of it, and anything under `.git` (hooks would run outside the tools).
 */
export class Workspace {
  readonly root: string;

  /** @param root the worktree's directory (it must exist) */
  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /**
   * @param path a path relative to the worktree (`src/health.js`, `.` for the root)
   * @returns the absolute path inside the worktree
   * @throws AureaError PATH_REFUSED saying why
   */
  resolve(path: string): string {
    const refuse = (why: string) => new AureaError('PATH_REFUSED', `Refused "${path}": ${why}. Paths are relative to the service's worktree.`);
    if (!path || isAbsolute(path)) throw refuse('absolute paths are not allowed');
    const full = resolve(this.root, path);
    const rel = relative(this.root, full);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw refuse('it leaves the worktree');
    if (rel.split(sep).includes('.git')) throw refuse('.git is not part of the work');
    // The nearest part of the path that exists decides where it really leads (symlinks resolved).
    let probe = full;
    while (!existsSync(probe)) probe = dirname(probe);
    const real = realpathSync(probe);
    const realRel = relative(this.root, real);
    if (realRel === '..' || realRel.startsWith(`..${sep}`) || isAbsolute(realRel)) throw refuse('a symbolic link on it points out of the worktree');
    return full;
  }

  /** The worktree-relative form of an absolute path inside it. */
  relative(full: string): string {
    return relative(this.root, full) || '.';
  }
}
