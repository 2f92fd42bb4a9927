import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AureaError } from './errors.js';
import type { Logger } from './log.js';

/** Whether the machine has a `redis-server` AUREA could start. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/**
 * Embedded-defaults Redis: when REDIS_URL is unset and nothing answers on 127.0.0.1:6379, AUREA runs
 * the machine's `redis-server` itself, bound to loopback, persisting (AOF) in `<AUREA_DATA_DIR>/redis`.
 * @returns a function that stops it
 * @throws AureaError REDIS_UNAVAILABLE when no redis-server is installed or it does not come up
 */
export async function startLocalRedis(dataDir: string, probe: Redis, log: Logger): Promise<() => Promise<void>> {
  if (!redisServerInstalled()) {
    throw new AureaError(
      'REDIS_UNAVAILABLE',
      'No Redis answers on 127.0.0.1:6379 and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', '6379', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 50 && !exited; i++) {
    if (await probe.ping().then(() => true, () => false)) {
      log.info({ dir }, 'redis: started a local redis-server (REDIS_URL is unset)');
      return async () => {
        if (exited) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, sleep(5_000)]);
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new AureaError('REDIS_UNAVAILABLE', `A local redis-server could not be started in ${dir}; start Redis yourself or set REDIS_URL.`);
}
