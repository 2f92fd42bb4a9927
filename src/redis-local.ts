import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AureaError, describeError } from './errors.js';
import type { Logger } from './log.js';

/** Whether the machine has a `redis-server` AUREA could start. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** Where the Redis that AUREA starts itself keeps its files (AOF, config, password). */
const redisDir = (dataDir: string) => join(dataDir, 'redis');

/**
 * The password of the Redis AUREA starts itself, kept in `<AUREA_DATA_DIR>/redis/password` (mode
 * 600): made (32 random bytes, hex) the first time, the same afterwards.
 * @param create false: only read it (null when there is none yet)
 */
export function localRedisPassword(dataDir: string, create = true): string | null {
  const file = join(redisDir(dataDir), 'password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!create) return null;
  mkdirSync(redisDir(dataDir), { recursive: true, mode: 0o700 });
  const password = randomBytes(32).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Whether a connection failed because the Redis wants a password (`NOAUTH`): then it may be one AUREA
 * started (a previous run's, left behind by a crash), whose password is in the data dir.
 */
export const needsPassword = (err: unknown) => /NOAUTH|WRONGPASS/.test(describeError(err)) || /NOAUTH|WRONGPASS/.test(describeError((err as { cause?: unknown })?.cause));

/**
 * Embedded-defaults Redis: when REDIS_URL is unset and nothing answers on 127.0.0.1:6379, AUREA runs
 * the machine's `redis-server` itself, bound to loopback, persisting (AOF) in `<AUREA_DATA_DIR>/redis`,
 * and requiring the generated password of {@link localRedisPassword} (from a config file of mode
 * 600, so it is not on the command line for `ps` to show): a command on this machine that reaches
 * 127.0.0.1:6379 cannot add jobs or write a pairing code without it.
 * @param clients the connections that will use it: given the password before they connect
 * @param port where it listens (6379, where REDIS_URL's default points)
 * @returns a function that stops it
 * @throws AureaError REDIS_UNAVAILABLE when no redis-server is installed or it does not come up
 */
export async function startLocalRedis(dataDir: string, clients: readonly Redis[], log: Logger, port = 6379): Promise<() => Promise<void>> {
  if (!redisServerInstalled()) {
    throw new AureaError(
      'REDIS_UNAVAILABLE',
      'No Redis answers on 127.0.0.1:6379 and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const dir = redisDir(dataDir);
  const password = localRedisPassword(dataDir)!;
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, ['bind 127.0.0.1', `port ${port}`, `dir ${dir}`, 'appendonly yes', 'save ""', 'daemonize no', 'loglevel warning', 'protected-mode yes', `requirepass ${password}`, ''].join('\n'), { mode: 0o600 });
  chmodSync(conf, 0o600);
  for (const client of clients) client.options.password = password;
  const child: ChildProcess = spawn('redis-server', [conf], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const probe = clients[0]!;
  for (let i = 0; i < 50 && !exited; i++) {
    if (await probe.ping().then(() => true, () => false)) {
      log.info({ dir }, 'redis: started a local redis-server with a password (REDIS_URL is unset)');
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
