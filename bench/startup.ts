/**
 * Start-up time of `aurea start` as a real process: spawn → its first getUpdates at the fake Bot API,
 * on a fresh data dir (PGlite initdb + migrations) and on an existing one.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

async function startOnce(h: Harness): Promise<number> {
  const callsBefore = h.telegram.calls.length;
  const started = performance.now();
  const child = spawn(process.execPath, ['src/cli/bin.js', 'start'], {
    env: { PATH: process.env.PATH, ...h.env(), AUREA_CONFIG: h.config.configFile!, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const first = await Promise.race([
      h.telegram.waitFor((c) => c.method === 'getUpdates' && h.telegram.calls.indexOf(c) >= callsBefore, 60_000, 'first getUpdates'),
      exited.then((code) => Promise.reject(new Error(`aurea exited with ${code} before polling`))),
    ]);
    return first.at - started;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function startup(runs = 3): Promise<BenchResult> {
  const h = await Harness.create();
  const dataDir = join(h.dir, 'data');
  try {
    const fresh: number[] = [];
    const existing: number[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(dataDir, { recursive: true, force: true });
      fresh.push(await startOnce(h));
      existing.push(await startOnce(h));
    }
    const f = percentile(fresh, 50);
    const e = percentile(existing, 50);
    return {
      name: `start-up to first getUpdates (median of ${runs} process starts)`,
      rows: [
        { metric: 'existing data dir', value: round(e), unit: 'ms', target: '< 3000 ms', met: e < 3000 },
        { metric: 'fresh data dir', value: round(f), unit: 'ms' },
      ],
      details: { existing_ms: existing.map((v) => round(v)), fresh_ms: fresh.map((v) => round(v)) },
    };
  } finally {
    await h.close();
  }
}
