import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { DatabaseLockedError, describeError } from '../errors.js';
import { FounderStore } from '../founders/store.js';
import { checkHealth } from '../health/check.js';
import { connectRedis, createRedis } from '../redis.js';
import { redisServerInstalled } from '../redis-local.js';
import { CHANNELS, failedGraphRuns } from '../main.js';
import { BWRAP_INSTALL, sandboxAvailable } from '../sandbox/bwrap.js';
import { redactUrl } from '../secrets.js';
import { foundersEnvName } from '../channels/settings.js';
import { createLogger } from '../log.js';
import { GithubRepos } from '../github/repo.js';
import { McpServers } from '../mcp/servers.js';

/** Whether a Redis URL points at this machine. */
const loopback = (url: string) => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

type Level = 'ok' | 'warn' | 'fail';
const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗' };

/** The one thing to do about pgvector missing on a Postgres server (docker-compose.yml uses the first). */
const PGVECTOR_FIX =
  'run Postgres from the image pgvector/pgvector:pg17 (as docker-compose.yml does), or install the extension: ' +
  'apt-get install postgresql-<version>-pgvector (Debian 12: build Debian\'s pgvector source package, as test/setup/postgres.sh does)';

/**
 * `aurea doctor`: prints what is configured and whether each part answers — database (and pgvector),
 * Redis (and whether it wants a password where it is not on loopback), graph runs that failed for
 * good, each chat channel (its declaration's check: a token test, a webhook's last error), founders, the sandbox for
 * tasks and every service that runs unsandboxed, every service's health URL — and under each
 * failed or doubtful check the one command or setting that fixes it.
 * @returns exit code: 1 when something required (database, Redis, a configured channel's token) is
 *   missing or unreachable, else 0. No founder yet and unhealthy services are warnings.
 */
export async function runDoctor(config: Config, print: (line: string) => void = console.log): Promise<number> {
  let failed = false;
  const report = (level: Level, what: string, detail: string, fix?: string) => {
    if (level === 'fail') failed = true;
    print(`${MARK[level]} ${what.padEnd(18)} ${detail}`);
    if (fix && level !== 'ok') print(`  ${''.padEnd(18)} → fix: ${fix}`);
  };

  report('ok', 'config', config.configFile ?? 'no aurea.config.yaml: defaults (no services, no agents overrides)');

  const paired = new Map<string, number>();
  try {
    const db = await openDatabase(config);
    try {
      const ext = await db.pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
      report(ext.rowCount ? 'ok' : 'fail', 'database', `${db.describe}${ext.rowCount ? ', pgvector available' : ', pgvector MISSING'}`, PGVECTOR_FIX);
      // Paired founders (none before the first start has migrated the database).
      for (const f of await new FounderStore(db.pool).list().catch(() => [])) paired.set(f.platform, (paired.get(f.platform) ?? 0) + 1);
    } finally {
      await db.close();
    }
  } catch (err) {
    const message = describeError(err);
    if (err instanceof DatabaseLockedError) {
      const { pid } = err;
      report('warn', 'database', `embedded, in use by a running AUREA${pid ? ` (PID ${pid})` : ''}`, pid ? `that is fine while it runs; to use this data dir here, stop it first: kill ${pid}` : message);
    } else {
      report('fail', 'database', message, config.database.url ? 'start that Postgres, or correct DATABASE_URL (host, port, password); unset it to use the embedded database' : `make ${config.database.dataDir} writable, or set AUREA_DATA_DIR`);
    }
  }

  const redis = createRedis(config.redis.url, 'app');
  try {
    await connectRedis(config, redis);
    report('ok', 'redis', `${redactUrl(config.redis.url)} (prefix ${config.redis.prefix})`);
    if (!loopback(config.redis.url) && !redis.options.password) {
      report(
        'warn',
        'redis auth',
        `${redactUrl(config.redis.url)} answers without a password, and it is not on this machine: whoever reaches it can add graph jobs or write a pairing code`,
        'set requirepass in its redis.conf (or --requirepass) and put the password in REDIS_URL: redis://:<password>@host:6379',
      );
    }
    const failedRuns = await failedGraphRuns(redis, config.redis.prefix).catch(() => []);
    if (failedRuns.length === 0) report('ok', 'graph runs', 'none failed');
    else {
      report('warn', 'graph runs', `${failedRuns.length} failed for good (the founders were told, with a 🔁 Retry button):`, 'tap 🔁 Retry on the message, or start the deploy or task again');
      for (const r of failedRuns) print(`  ${''.padEnd(18)} ${r.failedAt.toISOString().slice(0, 16).replace('T', ' ')} ${r.graph} ${r.threadId} (job ${r.id}): ${r.reason}`);
    }
  } catch (err) {
    const installed = redisServerInstalled();
    if (config.redis.managed && installed) {
      report('ok', 'redis', 'not running; AUREA starts redis-server itself (REDIS_URL is unset)');
    } else {
      report(
        'fail',
        'redis',
        describeError(err),
        config.redis.managed || !installed ? 'apt-get install redis-server (macOS: brew install redis); AUREA starts it when REDIS_URL is unset' : `start the Redis at ${redactUrl(config.redis.url)}, or unset REDIS_URL to let AUREA start a local one`,
      );
    }
  } finally {
    redis.disconnect();
  }

  // Each chat channel checks its own token (its declaration's check).
  const chats = CHANNELS.filter((d) => d.settings);
  const configured = chats.filter((d) => d.configured(config));
  if (configured.length === 0) {
    const tokens = chats.map((d) => d.settings!.setup[0]?.key).filter(Boolean);
    report('warn', 'channels', `none configured (${tokens.join(', ')} not set): only \`aurea chat\` in a terminal`, 'npx aurea init (asks for a token)');
  }
  for (const d of configured) {
    for (const line of await d.settings!.check(d.settings!.of(config), { httpPort: config.http.port })) report(line.level, line.what, line.detail, line.fix);
  }

  // Each MCP server: connected and listed once, or what fails (command not found, exit code and stderr tail, HTTP status, auth).
  if (Object.keys(config.mcp.servers).length) {
    const mcp = new McpServers(config.mcp, createLogger('silent', []));
    try {
      for (const s of await mcp.view()) {
        const c = config.mcp.servers[s.name]!;
        const fix =
          c.transport === 'stdio'
            ? `run it by hand to see why (${[c.command, ...c.args].join(' ')}), then correct mcp.servers.${s.name}.command / args / env`
            : `check mcp.servers.${s.name}.url, and its headers if it needs auth (a token by \${NAME} from the environment)`;
        if (s.state === 'connected') report('ok', `mcp ${s.name}`, `${s.tools.length} tools over ${c.transport}`);
        else report('warn', `mcp ${s.name}`, `cannot connect: ${s.error}`, fix);
      }
    } finally {
      await mcp.close();
    }
  }

  for (const d of CHANNELS.filter((c) => c.pairingHint && c.configured(config))) {
    const fromConfig = d.configuredFounders(config).length;
    const fromPairing = paired.get(d.name) ?? 0;
    if (fromConfig + fromPairing) report('ok', `founders ${d.name}`, `${fromConfig} configured, ${fromPairing} paired`);
    else report('warn', `founders ${d.name}`, 'none yet: nobody can use the bot', `npx aurea pair ${d.name} (prints a code to send), or set ${foundersEnvName(d.name)}`);
  }

  const services = Object.entries(config.services);
  const sandboxed = services.filter(([, s]) => s.sandbox !== 'off');
  for (const [name] of services.filter(([, s]) => s.sandbox === 'off')) {
    report('warn', `sandbox ${name}`, "off: this service's tasks run the model's code unsandboxed, as AUREA's own user", `remove services.${name}.sandbox: off (tasks then run their tests in the sandbox; ${BWRAP_INSTALL})`);
  }
  if (sandboxed.length) {
    const available = sandboxAvailable();
    if (available.ok) report('ok', 'sandbox', `bubblewrap works: tasks of ${sandboxed.map(([n]) => n).join(', ')} run the model's code in it`);
    else report('fail', 'sandbox', `tasks of ${sandboxed.map(([n]) => n).join(', ')} will refuse to start: ${available.reason}`, BWRAP_INSTALL);
  }
  // Each service on GitHub: the token (or App installation) reaches the repository with push,
  // pull requests and checks: read, and GitHub says which permission is missing.
  const github = services.filter(([, s]) => s.github);
  if (github.length) {
    const repos = new GithubRepos(config.github, createLogger('silent', []));
    for (const [name, s] of github) {
      const fix = config.github.auth?.kind === 'app' ? `grant the GitHub App these permissions and install it on ${s.github!.repo}` : `give GITHUB_TOKEN access to ${s.github!.repo} with these permissions (fine-grained token: Repository permissions)`;
      try {
        const missing = await (await repos.repo(s.github!.repo)).missingPermissions();
        if (missing.length) report('fail', `github ${name}`, `${s.github!.repo}: missing ${missing.join('; ')}`, fix);
        else report('ok', `github ${name}`, `${s.github!.repo}: push, pull requests and checks readable`);
      } catch (err) {
        report('fail', `github ${name}`, describeError(err), fix);
      }
    }
  }
  if (services.length === 0) report('warn', 'services', 'none configured', 'npx aurea init --service <name> --repo <path> … (or services in aurea.config.yaml); npx aurea demo shows one');
  await Promise.all(
    services.map(async ([name, s]) => {
      if (!s.health) return report('warn', `service ${name}`, 'no health URL', `services.${name}.health in aurea.config.yaml`);
      const r = await checkHealth(s.health, s.healthTimeout);
      report(r.ok ? 'ok' : 'warn', `service ${name}`, r.ok ? `up (${Math.round(r.latencyMs)} ms)` : `down: ${r.error}`, `start ${name}, or correct services.${name}.health`);
    }),
  );
  print(failed ? '\nSomething required is missing or unreachable (✗ above); each says how to fix it.' : '\nAll required parts answer.');
  return failed ? 1 : 0;
}
