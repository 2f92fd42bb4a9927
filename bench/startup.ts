/**
 * Start-up time of `aurea start` as a real process: spawn → its first getUpdates at the fake Bot API,
 * on a fresh data dir (PGlite initdb + migrations) and on an existing one; through `node
 * src/cli/bin.js` and through the README's `npx aurea`. Runs the compiled build (`npm run build`
 * first when dist/ is missing or older than the sources).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

type Launcher = 'node' | 'npx';

async function startOnce(h: Harness, launcher: Launcher): Promise<number> {
  const callsBefore = h.telegram.calls.length;
  const started = performance.now();
  const [cmd, args] = launcher === 'node' ? [process.execPath, ['src/cli/bin.js', 'start']] : ['npx', ['aurea', 'start']];
  const child = spawn(cmd, args, {
    env: { PATH: process.env.PATH, ...h.env(), AUREA_CONFIG: h.config.configFile!, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true, // its own process group: npx's node child is stopped with it
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const first = await Promise.race([
      h.telegram.waitFor((c) => c.method === 'getUpdates' && h.telegram.calls.indexOf(c) >= callsBefore, 60_000, 'first getUpdates'),
      exited.then((code) => Promise.reject(new Error(`aurea exited with ${code} before polling`))),
    ]);
    return first.at - started;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // npx returns before its child has released the data dir: wait for the lockfile to go.
    for (let i = 0; i < 100 && existsSync(join(h.dir, 'data', 'aurea.lock')); i++) await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startup(runs = 3): Promise<BenchResult> {
  execFileSync(process.execPath, ['src/cli/build.js'], { stdio: 'ignore' });
  const h = await Harness.create({ freshDatabase: true, realChatLimit: true });
  const dataDir = join(h.dir, 'data');
  const times: Record<string, number[]> = {};
  try {
    for (const launcher of ['node', 'npx'] as const) {
      for (let i = 0; i < runs; i++) {
        rmSync(dataDir, { recursive: true, force: true });
        (times[`${launcher} fresh`] ??= []).push(await startOnce(h, launcher));
        (times[`${launcher} existing`] ??= []).push(await startOnce(h, launcher));
      }
    }
    const med = (k: string) => percentile(times[k]!, 50);
    return {
      name: `start-up to first getUpdates (median of ${runs} process starts, compiled build)`,
      rows: [
        { metric: 'node src/cli/bin.js start, existing data dir', value: round(med('node existing')), unit: 'ms', target: '< 1500 ms', met: med('node existing') < 1500 },
        { metric: 'node src/cli/bin.js start, fresh data dir', value: round(med('node fresh')), unit: 'ms', target: '< 4000 ms', met: med('node fresh') < 4000 },
        { metric: 'npx aurea start, existing data dir', value: round(med('npx existing')), unit: 'ms', target: '< 1500 ms', met: med('npx existing') < 1500 },
        { metric: 'npx aurea start, fresh data dir', value: round(med('npx fresh')), unit: 'ms', target: '< 4000 ms', met: med('npx fresh') < 4000 },
      ],
      details: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x))])),
    };
  } finally {
    await h.close();
  }
}
