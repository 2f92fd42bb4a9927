/**
 * Start-up time of `aurea start` as a user meets it: a folder inside the clone holding the
 * `aurea.config.yaml` a new user writes (one service with a health URL, every agent on its defaults)
 * and a `.env` with only the Telegram token (no founder yet, so the pairing code is printed; no
 * REDIS_URL, so AUREA looks for Redis on 127.0.0.1 and would start one), started as a real process
 * with that folder as its working directory, through `node src/cli/bin.js` and through the README's
 * `npx aurea`; measured from spawn to the arrival of its first getUpdates at the fake Bot API, on a
 * fresh data dir (PGlite initdb + migrations) and on an existing one. Runs the compiled build, as a
 * fresh clone does after `npm ci` (its `prepare` script builds it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FakeService } from '../test/fakes/health-service.js';
import { FakeTelegramApi } from '../test/fakes/telegram-api.js';
import { percentile, round, type BenchResult } from './stats.js';

type Launcher = 'node' | 'npx';

const REPO = resolve(import.meta.dirname, '..');

async function startOnce(telegram: FakeTelegramApi, folder: string, launcher: Launcher): Promise<number> {
  const polled = telegram.nextPoll(60_000);
  const started = performance.now();
  const [cmd, args] = launcher === 'node' ? [process.execPath, [join(REPO, 'src/cli/bin.js'), 'start']] : ['npx', ['aurea', 'start']];
  const child = spawn(cmd, args, {
    cwd: folder,
    // What a shell gives a user: PATH and HOME; everything else comes from the folder's .env.
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true, // its own process group: npx's node child is stopped with it
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const at = await Promise.race([polled, exited.then((code) => Promise.reject(new Error(`aurea exited with ${code} before polling`)))]);
    return at - started;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // npx returns before its child has released the data dir: wait for the lockfile to go.
    for (let i = 0; i < 100 && existsSync(join(folder, 'data', 'aurea.lock')); i++) await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startup(runs = 3): Promise<BenchResult> {
  execFileSync(process.execPath, ['src/cli/build.js'], { cwd: REPO, stdio: 'ignore' });
  const [telegram, service] = await Promise.all([FakeTelegramApi.start(), FakeService.start()]);
  // Inside the clone (data/ is git-ignored), so `npx aurea` finds the project's bin as it does for a user.
  const folder = join(REPO, 'data', `bench-startup-${randomUUID().slice(0, 8)}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'aurea.config.yaml'), `services:\n  billing:\n    repo: ${REPO}\n    health: ${service.healthUrl}\n`);
  // A unique Redis prefix keeps the bench away from a real AUREA's keys on this machine; PORT 0 from its port.
  writeFileSync(join(folder, '.env'), `TELEGRAM_BOT_TOKEN=${telegram.token}\nTELEGRAM_API_ROOT=${telegram.apiRoot}\nAUREA_REDIS_PREFIX=bench-${randomUUID().slice(0, 8)}\nPORT=0\n`);
  const times: Record<string, number[]> = {};
  try {
    for (const launcher of ['node', 'npx'] as const) {
      for (let i = 0; i < runs; i++) {
        rmSync(join(folder, 'data'), { recursive: true, force: true });
        (times[`${launcher} fresh`] ??= []).push(await startOnce(telegram, folder, launcher));
        (times[`${launcher} existing`] ??= []).push(await startOnce(telegram, folder, launcher));
      }
    }
    const med = (k: string) => percentile(times[k]!, 50);
    return {
      name: `start-up as a user meets it, spawn → first getUpdates (median of ${runs} process starts, compiled build)`,
      rows: [
        { metric: 'node src/cli/bin.js start, existing data dir', value: round(med('node existing')), unit: 'ms', target: '< 1500 ms', met: med('node existing') < 1500 },
        { metric: 'node src/cli/bin.js start, fresh data dir', value: round(med('node fresh')), unit: 'ms', target: '< 4000 ms', met: med('node fresh') < 4000 },
        { metric: 'npx aurea start, existing data dir', value: round(med('npx existing')), unit: 'ms', target: '< 1500 ms', met: med('npx existing') < 1500 },
        { metric: 'npx aurea start, fresh data dir', value: round(med('npx fresh')), unit: 'ms', target: '< 4000 ms', met: med('npx fresh') < 4000 },
      ],
      details: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x))])),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await Promise.all([telegram.close(), service.close()]);
  }
}
