/**
 * One AUREA under test on real infrastructure: embedded PGlite in a temp dir (or a fresh database on
 * a real Postgres, on the postgres test backend: helpers/backend.ts), the real Redis
 * (REDIS_URL or 127.0.0.1:6379) under a unique key prefix, a fake Telegram Bot API, a real HTTP
 * service whose health can be flipped, and a real git repository with real test/deploy/rollback scripts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.js';
import { CHANNELS } from '../../bots/channels.js';
import { createLogger } from '../../src/log.js';
import { ROLES, startAurea, type Roles, type RunningAurea, type StartOptions } from '../../src/main.js';
import { FakeService } from '../fakes/health-service.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { FakeTelegramApi, type RateLimits } from '../fakes/telegram-api.js';
import { SLACK_FOUNDER } from '../fixtures/slack-requests.js';
import { FOUNDER } from '../fixtures/telegram-updates.js';
import { BACKEND, createTestDatabase, testDatabaseEnv } from './backend.js';
import { readLines } from './files.js';
import { copyTemplate } from './pglite-templates.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SLACK_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/** A git repo with scripts that leave evidence: deploys.log and rollbacks.log, one line per run. */
export class ServiceRepo {
  constructor(readonly dir: string) {}

  static create(parent: string): ServiceRepo {
    const dir = join(parent, 'billing');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'test.sh'), 'if [ -f FAIL_TESTS ]; then echo "FAIL billing.spec: expected 200, got 500"; exit 1; fi\necho "12 tests passed"\n');
    // HOLD_DEPLOYS keeps a deploy inside its command until the test removes it (a deploy in progress).
    writeFileSync(join(dir, 'deploy.sh'), 'while [ -f HOLD_DEPLOYS ]; do sleep 0.05; done\necho "deploy $(date +%s%N)" >> deploys.log\necho "deployed $(git rev-parse --short HEAD)"\n');
    writeFileSync(join(dir, 'rollback.sh'), 'echo "rollback $(date +%s%N)" >> rollbacks.log\necho "rolled back"\n');
    writeFileSync(join(dir, '.gitignore'), '*.log\nFAIL_TESTS\nHOLD_DEPLOYS\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'billing service');
    return new ServiceRepo(dir);
  }

  private lines(file: string): string[] {
    return readLines(join(this.dir, file));
  }

  get deploys(): string[] {
    return this.lines('deploys.log');
  }

  get rollbacks(): string[] {
    return this.lines('rollbacks.log');
  }

  /** While held, a deploy command waits before it deploys (deploys.log shows it only once released). */
  holdDeploys(hold: boolean): void {
    if (hold) writeFileSync(join(this.dir, 'HOLD_DEPLOYS'), '');
    else rmSync(join(this.dir, 'HOLD_DEPLOYS'), { force: true });
  }

  failTests(fail: boolean): void {
    if (fail) writeFileSync(join(this.dir, 'FAIL_TESTS'), '');
    else rmSync(join(this.dir, 'FAIL_TESTS'), { force: true });
  }
}

type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

export interface HarnessOptions {
  /** Extra YAML appended to the generated aurea.config.yaml. */
  yaml?: string;
  /** Extra YAML keys for the billing service (indented under it). */
  serviceYaml?: string;
  /**
   * Embedded backend: start from an empty data dir (PGlite's initdb, as on a fresh install) instead
   * of a copy of a migrated template (what every other test does, to save initdb's 5-20 s of CPU).
   */
  freshDatabase?: boolean;
  /** system-monitor schedule (default 1h, so it stays out of the way). */
  monitorEvery?: string;
  /** Enable revenue-report (off by default in tests). */
  revenueReport?: boolean;
  /** Enable daily-digest (off by default in tests). */
  dailyDigest?: boolean;
  /** Enable memory-consolidation (daily; off by default in tests). */
  memoryConsolidation?: boolean;
  /** More services (YAML under `services:`, indented by two spaces), or a function of the fake service. */
  extraServicesYaml?: string | ((service: FakeService) => string);
  /** security-monitor's settings (indented YAML lines); without them it is disabled, so it stays out of the way. */
  securityMonitorYaml?: string;
  /** system-monitor's missed-run policy (default: the config default, once). */
  monitorMissed?: 'skip' | 'once' | 'notify';
  /**
   * Telegram's limits enforced by the fake Bot API; AUREA then keeps to Telegram's real per-chat
   * limit. Without them (every other test) AUREA's per-chat limit is lifted (`telegram.perChat`), so
   * a flow's messages are not paced at one a second.
   */
  rateLimits?: RateLimits;
  /** Keep AUREA to Telegram's real per-chat limit even without `rateLimits` (a benchmark of what a founder waits for). */
  realChatLimit?: boolean;
  approval?: 'required' | 'auto';
  verifyTimeout?: string;
  /** deploy.approvalTimeout (default: the config default, 24h). */
  approvalTimeout?: string;
  /** Founders' Telegram ids (default: the fixtures' FOUNDER). */
  founders?: number[];
  /** billing's deploy command (default `sh deploy.sh`; `on-merge` for a platform that deploys merges). */
  deployCommand?: string;
  /** deploy.onMergeTimeout. */
  onMergeTimeout?: string;
  /** deploy.onMerge (a pull request a person merged on GitHub). */
  onMerge?: 'propose' | 'ignore';
  /** `founders.github`: GitHub logins whose @aurea comments steer tasks. */
  githubFounders?: string[];
  /** Also run the Slack app (HTTP mode) against a fake Slack Web API. */
  slack?: boolean;
  /** Extra environment variables (e.g. TELEGRAM_WEBHOOK_URL). */
  env?: Record<string, string>;
}

export class Harness {
  app?: RunningAurea;
  config!: Config;
  /** What AUREA printed for a person to read (pairing codes), in order. */
  readonly announced: string[] = [];

  private constructor(
    readonly dir: string,
    readonly telegram: FakeTelegramApi,
    readonly service: FakeService,
    readonly repo: ServiceRepo,
    readonly prefix: string,
    private readonly extraEnv: Record<string, string>,
    private dropDatabase: () => Promise<void>,
    readonly slack?: FakeSlackApi,
  ) {}

  static async create(options: HarnessOptions = {}): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-test-'));
    if (BACKEND === 'embedded' && !options.freshDatabase) await copyTemplate('migrated', join(dir, 'data'));
    const telegram = await FakeTelegramApi.start({ rateLimits: options.rateLimits });
    const service = await FakeService.start();
    const repo = ServiceRepo.create(dir);
    const slack = options.slack ? await FakeSlackApi.start() : undefined;
    const slackEnv: Record<string, string> = slack
      ? { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, FOUNDER_SLACK_IDS: SLACK_FOUNDER.id }
      : {};
    const database = await testDatabaseEnv();
    const h = new Harness(dir, telegram, service, repo, `aurea-test-${randomUUID()}`, { ...database.env, ...slackEnv, ...options.env }, database.drop, slack);
    writeFileSync(
      join(dir, 'aurea.config.yaml'),
      `founders:
  telegram: [${(options.founders ?? [FOUNDER.id]).join(', ')}]
${options.githubFounders ? `  github: [${options.githubFounders.join(', ')}]\n` : ''}services:
  billing:
    repo: ./billing
    test: sh test.sh
    deploy: ${options.deployCommand ?? 'sh deploy.sh'}
    rollback: sh rollback.sh
    health: ${service.healthUrl}
    healthTimeout: 2s
    approval: ${options.approval ?? 'required'}
${options.serviceYaml ? `${options.serviceYaml.replace(/^/gm, '    ')}\n` : ''}${options.extraServicesYaml ? `${(typeof options.extraServicesYaml === 'function' ? options.extraServicesYaml(service) : options.extraServicesYaml).replace(/^/gm, '  ')}\n` : ''}agents:
  system-monitor:
    every: ${options.monitorEvery ?? '1h'}
${options.monitorMissed ? `    missed: ${options.monitorMissed}\n` : ''}  security-monitor:
${options.securityMonitorYaml ? options.securityMonitorYaml.replace(/^/gm, '    ') : '    enabled: false'}
  memory-consolidation:
    enabled: ${options.memoryConsolidation ? 'true' : 'false'}
  daily-digest:
    enabled: ${options.dailyDigest ? 'true' : 'false'}
  revenue-report:
    enabled: ${options.revenueReport ? 'true' : 'false'}
  maintenance:
    enabled: false
${options.rateLimits || options.realChatLimit ? '' : 'telegram:\n  perChat: { burst: 100, perSecond: 100 }\n'}deploy:
  verifyTimeout: ${options.verifyTimeout ?? '1s'}
  verifyInterval: 200ms
${options.onMerge ? `  onMerge: ${options.onMerge}\n` : ''}${options.onMergeTimeout ? `  onMergeTimeout: ${options.onMergeTimeout}\n` : ''}${options.approvalTimeout ? `  approvalTimeout: ${options.approvalTimeout}\n` : ''}${options.yaml ?? ''}`,
    );
    h.config = loadConfig(h.env(), CHANNELS, join(dir, 'aurea.config.yaml'));
    return h;
  }

  /** The environment this AUREA runs with. */
  env(): Record<string, string> {
    return {
      TELEGRAM_BOT_TOKEN: this.telegram.token,
      TELEGRAM_API_ROOT: this.telegram.apiRoot,
      AUREA_DATA_DIR: join(this.dir, 'data'),
      REDIS_URL,
      AUREA_REDIS_PREFIX: this.prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.AUREA_TEST_LOG ?? 'silent',
      ...this.extraEnv,
    };
  }

  /** Starts AUREA (all roles, or those given) in this process on this harness's data; call again after stop() to restart. */
  async start(roles: Roles = ROLES.start, console?: StartOptions['console']): Promise<RunningAurea> {
    this.app = await startAurea(this.config, roles, { log: createLogger(this.config.logLevel, this.config.secrets), console, announce: (line) => this.announced.push(line) });
    return this.app;
  }

  /**
   * Throws the database away and gives AUREA a new, empty one, as `rm -rf data` does to the embedded
   * database (the whole data dir goes) or a new DATABASE_URL does on a server; Redis (its prefix,
   * its completed jobs) stays as it was. Stops AUREA first; start() it again afterwards.
   */
  async replaceDatabase(): Promise<void> {
    await this.stop();
    await this.dropDatabase();
    if (BACKEND === 'embedded') {
      rmSync(join(this.dir, 'data'), { recursive: true, force: true });
      await copyTemplate('migrated', join(this.dir, 'data'));
    } else {
      const fresh = await createTestDatabase();
      this.extraEnv.DATABASE_URL = fresh.url;
      this.dropDatabase = fresh.drop;
    }
    this.config = loadConfig(this.env(), CHANNELS, join(this.dir, 'aurea.config.yaml'));
  }

  /** The environment of a separate AUREA process on this harness (test/helpers/process.ts). */
  processEnv(): Record<string, string> {
    return { ...this.env(), AUREA_CONFIG: join(this.dir, 'aurea.config.yaml') };
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    this.app = undefined;
  }

  /** URL of AUREA's POST /slack/events. */
  get slackEventsUrl(): string {
    return `http://127.0.0.1:${this.app!.httpPort}/slack/events`;
  }

  async query<T extends Record<string, any> = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (!this.app) throw new Error('AUREA is not running');
    return (await this.app.core.db.pool.query<T>(sql, params)).rows;
  }

  /**
   * Waits until AUREA has nothing in flight: no background work (a tap's resume, a decision's edits),
   * no graph job waiting, active or delayed, no alert waiting in the outbox. A test asserts that
   * "nothing else happened" after this, not after a sleep.
   */
  async settled(timeoutMs = 30_000): Promise<void> {
    const core = this.app!.core;
    await this.until(
      async () => {
        const graphs = (await core.queues.depths()).find((q) => q.queue === 'graphs')!;
        const outbox = await this.query(`SELECT 1 FROM ai_system_alerts WHERE delivered_at IS NULL AND held IS NULL LIMIT 1`);
        return core.background.size === 0 && graphs.waiting + graphs.active + graphs.delayed === 0 && outbox.length === 0;
      },
      timeoutMs,
      'AUREA to settle (no background work, graph job or undelivered alert)',
    );
  }

  /** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
  async until<T>(fn: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<Truthy<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v as Truthy<T>;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    // A step that takes long says which it is (a close once hung past the hook timeout under load).
    const step = async (name: string, fn: () => Promise<unknown>) => {
      const slow = setTimeout(() => console.error(`harness close: "${name}" still running after 20 s`), 20_000);
      try {
        await fn();
      } finally {
        clearTimeout(slow);
      }
    };
    await step('AUREA stop', () => this.stop());
    await step('fake Telegram', () => this.telegram.close());
    await step('fake Slack', async () => this.slack?.close());
    await step('fake service', () => this.service.close());
    await step('Redis keys', async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${this.prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    await step('drop database', () => this.dropDatabase());
    rmSync(this.dir, { recursive: true, force: true });
  }
}
