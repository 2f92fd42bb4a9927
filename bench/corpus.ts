/**
 * Real English text for memory benchmarks, with no download: prose already on the machine — the
 * markdown and .d.ts doc comments in node_modules, then the docstrings and comments of the Python
 * standard library (Debian's python3 is on every machine of this kind) — split into sentences of
 * 40-300 characters, deduplicated, in a fixed order.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(md|d\.ts|py)$/.test(entry.name) && statSync(path).size < 4_000_000) yield path;
  }
}

const ROOTS = ['node_modules', ...['/usr/lib/python3', '/usr/lib/python3.11', '/root/.pyenv/versions/3.11.7/lib/python3.11'].filter((d) => existsSync(d))];

/** Up to `limit` distinct sentences. */
export function sentences(limit: number): string[] {
  const seen = new Set<string>();
  const paths = ROOTS.flatMap((root) => [...files(root)].sort());
  for (const path of paths) {
    let text = readFileSync(path, 'utf8');
    if (path.endsWith('.py')) {
      const docstrings = (text.match(/"""[\s\S]*?"""/g) ?? []).map((d) => d.slice(3, -3));
      const comments = (text.match(/^\s*#\s+.*$/gm) ?? []).map((l) => l.replace(/^\s*#\s+/, ''));
      text = [...docstrings, ...comments].join(' ');
    }
    else if (path.endsWith('.d.ts')) text = (text.match(/^\s*\*\s+[^@\s].*$/gm) ?? []).map((l) => l.replace(/^\s*\*\s+/, '')).join(' ');
    else text = text.replace(/```[\s\S]*?```/g, ' ').replace(/[#>*`|_\[\]()]/g, ' ');
    for (const raw of text.split(/(?<=[.!?])\s+/)) {
      const s = raw.replace(/\s+/g, ' ').trim();
      if (s.length < 40 || s.length > 300 || !/^[A-Z]/.test(s) || /https?:|\{|\}|=>|<\//.test(s)) continue;
      if ((s.match(/[a-z]+/g) ?? []).length < 6) continue;
      seen.add(s);
      if (seen.size >= limit) return [...seen];
    }
  }
  return [...seen];
}
