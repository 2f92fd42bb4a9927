/**
 * The developer's file tools and AUREA's own git, against a worktree a model (or a test it wrote)
 * has prepared: symlinks into `.git` or out of the worktree, `.GIT` in another case, a FIFO that
 * would block a read, files too large to read or edit whole, hooks that would run on commit, and a
 * `.git` link rewritten to point AUREA's git at a repository the model made.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorktree, commitAll } from '../../graphs/git.js';
import { callTool, type ToolContext } from '../../graphs/task/tools.js';
import { Workspace } from '../../graphs/task/workspace.js';
import { loadConfig } from '../../src/config.js';
import { CHANNELS } from '../../bots/channels.js';
import { taskSandbox } from '../../src/sandbox/policy.js';
import { runCommand } from '../../src/shell/run.js';
import { BACKEND } from '../helpers/backend.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

describe(`security: confinement of the file tools and of AUREA's git (${BACKEND})`, () => {
  let dir: string;
  let repo: string;
  let ctx: ToolContext;
  const tree = () => ctx.workspace.root;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aurea-confine-'));
    repo = join(dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'app.js'), 'const a = 1;\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'app');
    const wt = await addWorktree(repo, join(dir, 'worktree'), 'aurea/task-1', 'main');
    ctx = { workspace: new Workspace(wt.dir), gitDir: wt.gitDir, allowedCommands: [], commandTimeoutMs: 5_000, secrets: [], sandbox: null };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a symlink to .git', () => symlinkSync('.git', join(tree(), 'cfg')), 'cfg/config', /leads into \.git|\.git is not part of the work|not a regular file|symbolic link/],
    ['.GIT in another case', () => undefined, '.GIT/config', /\.git is not part of the work/],
    ['a symlink (inside the worktree) named as the file', () => symlinkSync('app.js', join(tree(), 'alias.js')), 'alias.js', /it is a symbolic link/],
    ['a symlink pointing out', () => symlinkSync(dir, join(tree(), 'up')), 'up/repo/app.js', /points out of the worktree/],
    ['a dangling symlink', () => symlinkSync('/nonexistent/target', join(tree(), 'dangling')), 'dangling', /leads nowhere|symbolic link/],
  ])('edit_file and write_file through %s are refused and change nothing', async (_what, prepare, path, why) => {
    prepare();
    const before = readFileSync(join(repo, 'app.js'), 'utf8');
    const edit = await callTool('edit_file', { path, old_string: 'const', new_string: 'let' }, ctx);
    const write = await callTool('write_file', { path, content: 'pwned' }, ctx);
    expect(edit).toEqual({ ok: false, result: expect.stringMatching(why) });
    expect(write).toEqual({ ok: false, result: expect.stringMatching(why) });
    expect(readFileSync(join(repo, 'app.js'), 'utf8')).toBe(before);
    expect(readFileSync(join(tree(), 'app.js'), 'utf8')).toBe('const a = 1;\n');
    expect(existsSync('/nonexistent/target')).toBe(false);
  });

  it('a FIFO is refused instead of blocking the read; a large file is read only in part; a file too large is not edited', async () => {
    execFileSync('mkfifo', [join(tree(), 'pipe')]);
    expect(await callTool('read_file', { path: 'pipe' }, ctx)).toEqual({ ok: false, result: 'error: Refused "pipe": it is not a regular file.' });
    writeFileSync(join(tree(), 'big.txt'), 'x'.repeat(2 * 1024 * 1024));
    const read = await callTool('read_file', { path: 'big.txt' }, ctx);
    expect(read.ok).toBe(true);
    expect(read.result).toBe(`${'x'.repeat(20_000)}\n… (${2 * 1024 * 1024 - 20_000} more bytes)`);
    expect(await callTool('edit_file', { path: 'big.txt', old_string: 'xx', new_string: 'y' }, ctx)).toEqual({
      ok: false,
      result: `error: big.txt has ${2 * 1024 * 1024} bytes; edit_file edits files up to 1048576 bytes (write_file replaces a file whole).`,
    });
  });

  it("AUREA's commit runs no hook (the repository's, or core.hooksPath's) and goes to the recorded git directory even when .git was rewritten", async () => {
    const marker = join(dir, 'hook-ran');
    const hook = `#!/bin/sh\ntouch ${marker}\n`;
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), hook);
    chmodSync(join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
    mkdirSync(join(dir, 'evil-hooks'));
    for (const name of ['pre-commit', 'post-commit', 'commit-msg']) {
      writeFileSync(join(dir, 'evil-hooks', name), hook);
      chmodSync(join(dir, 'evil-hooks', name), 0o755);
    }
    git(repo, 'config', 'core.hooksPath', join(dir, 'evil-hooks'));
    // A test the model wrote replaced the worktree's .git link with its own repository.
    const decoy = join(dir, 'decoy');
    mkdirSync(decoy);
    git(decoy, 'init', '-q');
    const link = readFileSync(join(tree(), '.git'), 'utf8');
    writeFileSync(join(tree(), '.git'), `gitdir: ${join(decoy, '.git')}\n`);
    writeFileSync(join(tree(), 'change.txt'), 'the work\n');

    const commit = await commitAll({ dir: tree(), gitDir: ctx.gitDir }, 'aurea task #1: the work');
    expect(existsSync(marker)).toBe(false);
    expect(git(repo, 'rev-parse', 'aurea/task-1')).toBe(commit);
    expect(git(repo, 'show', '--stat', '--format=%s', commit)).toMatch(/^aurea task #1: the work\n\n change\.txt \| 1 \+/);
    expect(() => git(decoy, 'rev-parse', 'HEAD')).toThrow();
    expect(link).toMatch(/^gitdir: /);
  });

  it('a sandboxed command gets only the allow-listed environment: the variables services.<name>.env names, none of AUREA\'s others', async () => {
    const config = loadConfig({ AUREA_DATA_DIR: join(dir, 'data') }, CHANNELS);
    const env = { PATH: process.env.PATH, NPM_TOKEN: 'npm_named_by_the_service', AWS_SECRET_ACCESS_KEY: 'not-named', PGPASSWORD: 'not-named', SSH_AUTH_SOCK: '/tmp/agent' };
    const policy = taskSandbox(config, { repo, env: ['NPM_TOKEN'], sandbox: { network: 'none', cpuSeconds: 60, memoryMb: 512, fileSizeMb: 16 } }, tree(), { processEnv: env })!;
    const r = await runCommand('env | sort', { cwd: tree(), timeoutMs: 10_000, secrets: [], sandbox: policy, tailLines: 50 });
    expect(r.exitCode).toBe(0);
    expect(r.tail.split('\n').map((l) => l.split('=')[0]).sort()).toEqual(['CI', 'HOME', 'LANG', 'NPM_TOKEN', 'PATH', 'PWD', 'TERM']);
    expect(r.tail).toContain('NPM_TOKEN=npm_named_by_the_service');
    expect(r.tail).toContain('HOME=/tmp/home');
  });
});
