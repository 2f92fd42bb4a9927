/**
 * The layout rules of docs/ARCHITECTURE.md, checked on the sources: arrows point inward (nothing in src/
 * imports bots/, graphs/ or jobs/, except the composition root src/main.ts; graphs/ and jobs/ never
 * import bots/), no module takes part in a cycle of imports (type-only imports count too: a type
 * cycle is a dependency cycle in the design even though it is erased at run time), and each table
 * is read and written by one module.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND } from './helpers/backend.js';

const ROOT = resolve(import.meta.dirname, '..');

/** Every .ts file under the source folders, with the relative modules it imports (values or types). */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of ['src', 'bots', 'graphs', 'jobs']) walk(join(ROOT, dir));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...source.matchAll(/^(?:import|export)\s+[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1]!),
      ...[...source.matchAll(/^import\s+'(\.[^']+)'/gm)].map((m) => m[1]!),
      ...[...source.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!),
    ];
    const targets = specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))).filter((t) => existsSync(t));
    graph.set(relative(ROOT, file), targets.map((t) => relative(ROOT, t)));
  }
  return graph;
}

/** Each table and the one module whose SQL touches it. */
const TABLE_OWNERS: Record<string, string> = {
  approvals: 'src/approvals/service.ts',
  ai_agent_registry: 'src/agents/store.ts',
  ai_agent_executions: 'src/agents/store.ts',
  graph_steps: 'src/runs/journal.ts',
  tasks: 'src/tasks/store.ts',
  task_feedback: 'src/tasks/store.ts',
  processed_updates: 'src/updates/once.ts',
  audit_log: 'src/audit/log.ts',
  ai_system_alerts: 'src/alerts/service.ts',
  ai_persistent_memory: 'src/memory/service.ts',
  llm_calls: 'src/llm/ledger.ts',
  chat_turns: 'src/conversation/turns.ts',
  voice_notes: 'src/voice/service.ts',
  founders: 'src/founders/store.ts',
  service_leases: 'src/leases/store.ts',
  mcp_grants: 'src/mcp/grants.ts',
  event_outbox: 'src/events/outbox.ts',
  event_deliveries: 'src/events/outbox.ts',
  incidents: 'src/alerts/incidents.ts',
};

/**
 * A source file without its comments (strings, code and line breaks kept): a small scanner for `//`
 * and `/* *\/` outside string and template literals.
 */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ''); // keeps the line numbers
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Where a chat platform may be named in code: its folder in bots/, and bots/channels.ts that lists them. */
const CHANNEL_NAMES_ALLOWED = /^bots\//;

describe(`architecture (${BACKEND})`, () => {
  const graph = importGraph();

  it('sees the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/main.ts')).toContain('bots/index.ts');
  });

  it('arrows point inward: src/ imports no adapter, graph or job (except src/main.ts); graphs/ and jobs/ import no bot', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => (file.startsWith('src/') && file !== 'src/main.ts' && /^(bots|graphs|jobs)\//.test(t)) || (/^(graphs|jobs)\//.test(file) && t.startsWith('bots/')))
        .map((t) => `${file} → ${t}`),
    );
    expect(wrong).toEqual([]);
  });

  it('no graph imports another graph\'s folder: what they share is graphs/steps.ts, graphs/git.ts, graphs/revert.ts and graphs/runner.ts', () => {
    const folder = (file: string) => /^graphs\/([^/]+)\//.exec(file)?.[1];
    const wrong = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => folder(file) && folder(t) && folder(file) !== folder(t)).map((t) => `${file} → ${t}`),
    );
    expect(wrong).toEqual([]);
    expect([...graph.keys()].filter((f) => /^graphs\/[^/]+\.ts$/.test(f)).sort()).toEqual(['graphs/git.ts', 'graphs/revert.ts', 'graphs/runner.ts', 'graphs/steps.ts']);
  });

  it('a channel is its folder: no code outside bots/ names a chat platform (comments may)', () => {
    const named = [...graph.keys()]
      .filter((file) => !CHANNEL_NAMES_ALLOWED.test(file))
      .flatMap((file) =>
        withoutComments(readFileSync(join(ROOT, file), 'utf8'))
          .split('\n')
          .flatMap((line, n) => (/telegram|slack/i.test(line) ? [`${file}:${n + 1}: ${line.trim()}`] : [])),
      );
    expect(named).toEqual([]);
  });

  it('each table is read and written by its one owning module', () => {
    const users: Record<string, string[]> = {};
    for (const file of graph.keys()) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const table of Object.keys(TABLE_OWNERS)) {
        if (new RegExp(`\\b(FROM|INTO|UPDATE|JOIN)\\s+${table}\\b`).test(source)) (users[table] ??= []).push(file);
      }
    }
    expect(users).toEqual(Object.fromEntries(Object.entries(TABLE_OWNERS).map(([table, owner]) => [table, [owner]])));
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (file: string) => {
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        const at = path.indexOf(next);
        if (at >= 0) cycles.push([...path.slice(at), next].join(' → '));
        else if (!done.has(next)) visit(next);
      }
      path.pop();
      done.add(file);
    };
    for (const file of graph.keys()) if (!done.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
