/**
 * The developer's tools, with these names and zod schemas (issue: list_files, read_file,
 * write_file, edit_file, search_code, run_command, finish). Each is declared once: its schema is
 * validated before it runs and given to the model as JSON Schema (z.toJSONSchema).
 */
import { lstat, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AureaError, describeError } from '../../src/errors.js';
import { scrub } from '../../src/secrets.js';
import type { ToolSpec } from '../../src/llm/types.js';
import type { SandboxPolicy } from '../../src/sandbox/policy.js';
import { runCommand } from '../../src/shell/run.js';
import { grepWorktree } from '../git.js';
import type { Workspace } from './workspace.js';

/** What a tool call may touch: the worktree, the allowed commands, and limits. */
export interface ToolContext {
  workspace: Workspace;
  /** The worktree's git directory as AUREA created it (search_code's `git grep`). */
  gitDir: string;
  /** Where run_command runs the model's commands (null under `sandbox: off`). */
  sandbox: SandboxPolicy | null;
  /** Exact command lines `run_command` accepts (the service's test command and `commands`). */
  allowedCommands: readonly string[];
  commandTimeoutMs: number;
  /** Values scrubbed from command output. */
  secrets: readonly string[];
}

interface ToolDef<S extends z.ZodType> {
  description: string;
  schema: S;
  run(args: z.output<S>, ctx: ToolContext): Promise<string>;
}

const tool = <S extends z.ZodType>(def: ToolDef<S>) => def;

/** Reads at most this much of a file (bytes). */
const MAX_READ = 20_000;
/** Edits files up to this size (bytes): edit_file reads the whole file. */
const MAX_EDIT = 1024 * 1024;
const MAX_LIST = 300;

/**
 * The file a read or edit may open: resolved inside the worktree (Workspace.resolve), not a symlink
 * (even one that stays inside: a tool acts on the file it names), and a regular file (a FIFO or a
 * device left by a test would block or never end).
 * @returns its real path and size in bytes
 */
async function regularFile(workspace: Workspace, path: string, opts: { mayBeMissing?: boolean } = {}): Promise<{ full: string; size: number } | null> {
  const full = workspace.resolve(path);
  const link = await lstat(resolve(workspace.root, path)).catch(() => null);
  if (link?.isSymbolicLink()) throw new AureaError('PATH_REFUSED', `Refused "${path}": it is a symbolic link.`);
  const info = await stat(full).catch(() => null);
  if (!info) {
    if (opts.mayBeMissing) return null;
    throw new AureaError('PATH_REFUSED', `"${path}" does not exist.`);
  }
  if (!info.isFile()) throw new AureaError('PATH_REFUSED', `Refused "${path}": it is not a regular file.`);
  return { full, size: info.size };
}

export const TOOLS = {
  list_files: tool({
    description: 'List the files under a directory of the worktree (recursive, .git excluded).',
    schema: z.strictObject({ path: z.string().default('.') }),
    async run({ path }, { workspace }) {
      const root = workspace.resolve(path);
      const out: string[] = [];
      const walk = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          if (out.length >= MAX_LIST || entry.name === '.git' || entry.name === 'node_modules') continue;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else out.push(workspace.relative(full));
        }
      };
      await walk(root);
      return out.sort().join('\n') || '(empty)';
    },
  }),
  read_file: tool({
    description: 'Read a text file of the worktree.',
    schema: z.strictObject({ path: z.string().min(1) }),
    async run({ path }, { workspace }) {
      const { full, size } = (await regularFile(workspace, path))!;
      const handle = await open(full, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(size, MAX_READ));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        const text = buffer.subarray(0, bytesRead).toString('utf8');
        return size > MAX_READ ? `${text}\n… (${size - MAX_READ} more bytes)` : text;
      } finally {
        await handle.close();
      }
    },
  }),
  write_file: tool({
    description: 'Create or replace a file of the worktree with the given content.',
    schema: z.strictObject({ path: z.string().min(1), content: z.string() }),
    async run({ path, content }, { workspace }) {
      const full = (await regularFile(workspace, path, { mayBeMissing: true }))?.full ?? workspace.resolve(path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
      return `wrote ${workspace.relative(full)} (${Buffer.byteLength(content)} bytes)`;
    },
  }),
  edit_file: tool({
    description: 'Replace exactly one occurrence of old_string with new_string in a file of the worktree.',
    schema: z.strictObject({ path: z.string().min(1), old_string: z.string().min(1), new_string: z.string() }),
    async run({ path, old_string, new_string }, { workspace }) {
      const { full, size } = (await regularFile(workspace, path))!;
      if (size > MAX_EDIT) throw new AureaError('FILE_TOO_LARGE', `${path} has ${size} bytes; edit_file edits files up to ${MAX_EDIT} bytes (write_file replaces a file whole).`);
      const text = await readFile(full, 'utf8');
      const count = text.split(old_string).length - 1;
      if (count !== 1) throw new AureaError('EDIT_NOT_UNIQUE', `old_string occurs ${count} times in ${path}; it must occur exactly once.`);
      await writeFile(full, text.replace(old_string, () => new_string));
      return `edited ${workspace.relative(full)}`;
    },
  }),
  search_code: tool({
    description: 'Search the worktree for a regular expression (git grep); optionally under a path.',
    schema: z.strictObject({ pattern: z.string().min(1), path: z.string().optional() }),
    async run({ pattern, path }, ctx) {
      const where = ctx.workspace.relative(ctx.workspace.resolve(path ?? '.'));
      const out = await grepWorktree({ dir: ctx.workspace.root, gitDir: ctx.gitDir }, pattern, where);
      return out ? scrub(out.split('\n').slice(0, 100).join('\n'), ctx.secrets) : 'no matches';
    },
  }),
  run_command: tool({
    description: "Run one of the service's allowed commands (e.g. its tests) in the worktree; returns the exit code and the output's tail.",
    schema: z.strictObject({ command: z.string().min(1) }),
    async run({ command }, ctx) {
      if (!ctx.allowedCommands.includes(command.trim())) {
        throw new AureaError('COMMAND_REFUSED', `Refused "${command}": not an allowed command. Allowed: ${ctx.allowedCommands.map((c) => `"${c}"`).join(', ') || 'none'}.`);
      }
      const r = await runCommand(command, { cwd: ctx.workspace.root, timeoutMs: ctx.commandTimeoutMs, secrets: ctx.secrets, sandbox: ctx.sandbox });
      return `${r.timedOut ? 'timed out' : `exit ${r.exitCode}`}\n${r.tail}`;
    },
  }),
  finish: tool({
    description: 'Say the change is complete; the worktree is committed with this summary and tested.',
    schema: z.strictObject({ summary: z.string().min(1) }),
    async run({ summary }) {
      return summary;
    },
  }),
} as const;

export type ToolName = keyof typeof TOOLS;

/** The tools as the model is given them. */
export function toolSpecs(): ToolSpec[] {
  return Object.entries(TOOLS).map(([name, t]) => ({ name, description: t.description, parameters: z.toJSONSchema(t.schema, { io: 'input' }) as Record<string, unknown> }));
}

/**
 * Runs one tool call. Never throws: a refusal, invalid arguments or a failure come back as the
 * tool's result text (`error: …`) for the model to read, with ok=false.
 */
export async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<{ ok: boolean; result: string }> {
  const def = (TOOLS as Record<string, ToolDef<z.ZodType>>)[name];
  if (!def) return { ok: false, result: `error: there is no tool "${name}"` };
  const parsed = def.schema.safeParse(args);
  if (!parsed.success) return { ok: false, result: `error: invalid arguments for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}` };
  try {
    return { ok: true, result: await def.run(parsed.data, ctx) };
  } catch (err) {
    return { ok: false, result: `error: ${describeError(err)}` };
  }
}
