/**
 * The developer's tools stay inside the task's worktree: paths that leave it (`..`, absolute, a
 * symlink pointing out, `.git`) are refused and write nothing; run_command runs only allow-listed
 * commands, without AUREA's secrets in its environment.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callTool, toolSpecs, type ToolContext } from '../graphs/task/tools.js';
import { Workspace } from '../graphs/task/workspace.js';

describe('task tools: confined to the worktree', () => {
  let dir: string;
  let ctx: ToolContext;
  const secret = 'xoxb-secret-token-0000';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aurea-tools-'));
    mkdirSync(join(dir, 'tree'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'tree', 'app.js'), 'const a = 1;\nconst b = 1;\n');
    symlinkSync(join(dir, 'outside'), join(dir, 'tree', 'escape'));
    ctx = { workspace: new Workspace(join(dir, 'tree')), gitDir: join(dir, 'tree', '.git'), allowedCommands: ['sh check.sh'], commandTimeoutMs: 5_000, secrets: [secret], sandbox: null };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['../outside/x.txt', /leaves the worktree/],
    [join(tmpdir(), 'abs.txt'), /absolute paths are not allowed/],
    ['escape/x.txt', /symbolic link on it points out of the worktree/],
    ['.git/hooks/pre-commit', /\.git is not part of the work/],
  ])('write_file to %s is refused and writes nothing', async (path, why) => {
    const r = await callTool('write_file', { path, content: 'pwned' }, ctx);
    expect(r.ok).toBe(false);
    expect(r.result).toMatch(why);
    expect(existsSync(join(dir, 'outside', 'x.txt'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'abs.txt'))).toBe(false);
  });

  it('read_file through a symlink that points out is refused', async () => {
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'top secret');
    const r = await callTool('read_file', { path: 'escape/secret.txt' }, ctx);
    expect(r).toEqual({ ok: false, result: expect.stringMatching(/^error: Refused "escape\/secret.txt": a symbolic link/) });
  });

  it('write_file and edit_file work inside; edit_file needs exactly one match', async () => {
    expect(await callTool('write_file', { path: 'src/new.js', content: 'x' }, ctx)).toEqual({ ok: true, result: 'wrote src/new.js (1 bytes)' });
    expect(readFileSync(join(dir, 'tree', 'src', 'new.js'), 'utf8')).toBe('x');
    const twice = await callTool('edit_file', { path: 'app.js', old_string: '= 1', new_string: '= 2' }, ctx);
    expect(twice).toEqual({ ok: false, result: 'error: old_string occurs 2 times in app.js; it must occur exactly once.' });
    expect(await callTool('edit_file', { path: 'app.js', old_string: 'const b = 1', new_string: 'const b = 2' }, ctx)).toEqual({ ok: true, result: 'edited app.js' });
    expect(readFileSync(join(dir, 'tree', 'app.js'), 'utf8')).toBe('const a = 1;\nconst b = 2;\n');
  });

  it('run_command refuses a command off the allow-list; an allowed one runs without AUREA secrets in its environment', async () => {
    const refused = await callTool('run_command', { command: 'rm -rf /' }, ctx);
    expect(refused).toEqual({ ok: false, result: 'error: Refused "rm -rf /": not an allowed command. Allowed: "sh check.sh".' });
    writeFileSync(join(dir, 'tree', 'check.sh'), 'env\n');
    process.env.SLACK_BOT_TOKEN = secret;
    try {
      const r = await callTool('run_command', { command: 'sh check.sh' }, ctx);
      expect(r.ok).toBe(true);
      expect(r.result).toMatch(/^exit 0\n/);
      expect(r.result).not.toContain('SLACK_BOT_TOKEN');
      expect(r.result).not.toContain(secret);
    } finally {
      delete process.env.SLACK_BOT_TOKEN;
    }
  });

  it('invalid arguments and unknown tools come back as errors for the model; every tool has a JSON Schema', async () => {
    expect(await callTool('write_file', { path: 'a' }, ctx)).toEqual({ ok: false, result: 'error: invalid arguments for write_file: content: Invalid input: expected string, received undefined' });
    expect(await callTool('format_disk', {}, ctx)).toEqual({ ok: false, result: 'error: there is no tool "format_disk"' });
    expect(toolSpecs().map((t) => [t.name, (t.parameters as { required?: string[] }).required ?? []])).toEqual([
      ['list_files', []],
      ['read_file', ['path']],
      ['write_file', ['path', 'content']],
      ['edit_file', ['path', 'old_string', 'new_string']],
      ['search_code', ['pattern']],
      ['run_command', ['command']],
      ['finish', ['summary']],
    ]);
  });
});
