import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { checkSchedule } from './agents/schedule.js';
import { parseQuietHours } from './alerts/quiet.js';
import { durationSchema } from './duration.js';
import { ConfigError } from './errors.js';

/**
 * Configuration: environment variables (secrets, endpoints; .env.example lists them) plus
 * `aurea.config.yaml` (founders, services, agents). Both are validated with zod
 * by {@link loadConfig}; nothing here reads `process.env` at import time.
 */

const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const idList = (what: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      const ids = (text ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const id of ids) {
        if (!/^\d{1,20}$/.test(id)) {
          ctx.addIssue({ code: 'custom', message: `"${id}" is not a ${what} user id (digits only)` });
          return z.NEVER;
        }
      }
      return ids.map(Number);
    });

/** The environment variables AUREA reads (the names of .env.example). */
export const ENV_NAMES = (): string[] => Object.keys(envSchema.shape);

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, { error: 'expected a token from @BotFather, like 123456:ABC-DEF…' })
    .optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'expected a URL like https://api.telegram.org' }).default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z.url({ error: 'expected the public https URL that Telegram should POST updates to' }).optional(),
  // Bot API setWebhook: secret_token is 1-256 characters A-Z, a-z, 0-9, _ and -.
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'expected 1-256 characters from A-Z, a-z, 0-9, _ and -' })
    .optional(),
  FOUNDER_TELEGRAM_IDS: idList('Telegram'),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, { error: 'expected a bot token starting with xoxb-' }).optional(),
  SLACK_SIGNING_SECRET: z.string().regex(/^[a-z0-9]{16,64}$/, { error: "expected the app's Signing Secret (Basic Information page)" }).optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-[A-Za-z0-9-]+$/, { error: 'expected an app-level token starting with xapp- (connections:write)' }).optional(),
  SLACK_API_URL: z.url({ error: 'expected the Web API root, like https://slack.com/api/' }).default('https://slack.com/api/'),
  FOUNDER_SLACK_IDS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const ids = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.find((id) => !/^[UW][A-Z0-9]+$/.test(id));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not a Slack user id (like U012AB3CD)` });
        return z.NEVER;
      }
      return ids;
    }),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'expected a postgres:// URL' })
    .optional(),
  AUREA_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: 'expected a redis:// URL' })
    .default('redis://127.0.0.1:6379'),
  AUREA_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected 1-64 characters from A-Z, a-z, 0-9, _ . -' })
    .default('aurea'),
  AUREA_CONFIG: z.string().min(1).optional(),
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int({ error: 'expected a port number' })
    .min(0)
    .max(65535)
    .default(3000),
  // Loopback unless said otherwise: a webhook behind a reverse proxy needs no more (the Dockerfile
  // and docker-compose.yml set 0.0.0.0 inside the container).
  HOST: z.string().min(1).default('127.0.0.1'),
  AUREA_EMBEDDER: z.enum(['auto', 'openai', 'offline'], { error: 'expected auto, openai or offline' }).default('auto'),
  TRANSCRIBE_PROVIDER: z.enum(['auto', 'openai', 'offline'], { error: 'expected auto, openai or offline' }).default('auto'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url({ error: 'expected a URL like https://api.anthropic.com' }).optional(),
  GOOGLE_API_KEY: z.string().min(1).optional(),
  GOOGLE_BASE_URL: z.url({ error: 'expected a URL like https://generativelanguage.googleapis.com' }).optional(),
  OLLAMA_BASE_URL: z.url({ error: 'expected a URL like http://127.0.0.1:11434' }).optional(),
  OPENAI_BASE_URL: z.url({ error: 'expected a URL like https://api.openai.com/v1' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Opens the queue dashboard at /admin/queues (basic auth password or Bearer token). */
  ADMIN_TOKEN: z.string().min(16, { error: 'use at least 16 characters (e.g. openssl rand -hex 24)' }).optional(),
  /** The queue dashboard may add, retry, promote and remove jobs (default: read-only). */
  ADMIN_QUEUES_WRITE: z.enum(['true', 'false'], { error: 'expected true or false' }).default('false'),
  /** Stripe: the API key (refunds, revenue), the webhook endpoint's signing secret, and where the API is (a mock in tests). */
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { error: 'expected a Stripe secret key (sk_live_… or a restricted rk_live_…)' }).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, { error: "expected the webhook endpoint's signing secret (whsec_…)" }).optional(),
  STRIPE_API_BASE: z.url({ error: 'expected a URL like https://api.stripe.com' }).optional(),
});

/**
 * Where a service's model-written code runs (a task's tests, `run_command`, an external coding CLI):
 * in the bubblewrap sandbox (src/sandbox/), with no network unless `network: allow` (test suites that
 * must fetch), only the variables `services.<name>.env` names from AUREA's environment, and CPU,
 * memory and file-size limits; or `off`, written out, to run it unsandboxed as AUREA's own user
 * (`aurea doctor` names it).
 */
const sandboxSchema = z
  .union(
    [
      z.literal('off'),
      z
        .strictObject({
          network: z.enum(['none', 'allow'], { error: 'expected none or allow' }).default('none'),
          cpu: durationSchema.default(600_000),
          memoryMb: z.number().int().min(64).default(2048),
          fileSizeMb: z.number().int().min(1).default(1024),
        })
        .transform((s) => ({ network: s.network, cpuSeconds: Math.max(1, Math.ceil(s.cpu / 1000)), memoryMb: s.memoryMb, fileSizeMb: s.fileSizeMb })),
    ],
    { error: 'expected off, or { network: none | allow, cpu: 10m, memoryMb: 2048, fileSizeMb: 1024 }' },
  )
  .prefault({});

const serviceSchema = z.strictObject({
  repo: z.string().min(1, { error: 'expected the path of the service\'s git checkout' }),
  test: z.string().min(1).optional(),
  deploy: z.string().min(1).optional(),
  rollback: z.string().min(1).optional(),
  health: z.url({ error: 'expected an http(s) URL that answers 2xx when the service is healthy' }).optional(),
  healthTimeout: durationSchema.default(5_000),
  approval: z.enum(['required', 'auto'], { error: 'expected "required" or "auto"' }).default('required'),
  /** Commands a task's developer may run in its worktree (`run_command`), besides the `test` command. */
  commands: z.array(z.string().min(1)).default([]),
  /**
   * Who writes a task's code: AUREA's own tool loop (`builtin`), or a coding CLI run in the worktree
   * (`{ command: "…" }`) with the task and plan in the file named by AUREA_TASK_FILE.
   */
  /** A command whose output tail Diagnose shows (e.g. `journalctl -u billing -n 200`). */
  logs: z.string().min(1).optional(),
  developer: z
    .union([z.literal('builtin'), z.strictObject({ command: z.string().min(1) })], { error: 'expected builtin, or { command: "<coding CLI>" }' })
    .default('builtin'),
  sandbox: sandboxSchema,
  /** Variables of AUREA's environment passed to the sandboxed commands by name (`[NPM_TOKEN]`); nothing else is. */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected environment variable names' })).default([]),
});

const agentSchema = z
  .strictObject({
    every: durationSchema.optional(),
    cron: z.string().min(1).optional(),
    tz: z.string().min(1).optional(),
    /** A daily agent's time of day, HH:MM in `tz` (revenue-report: 08:00); the same as cron "MM HH * * *". */
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time like 08:00' }).optional(),
    enabled: z.boolean().default(true),
    /** A run missed while AUREA was down: `skip` it, run `once` to catch up (never a burst), or `notify` the founders. */
    missed: z.enum(['skip', 'once', 'notify'], { error: 'expected skip, once or notify' }).default('once'),
    /** security-monitor: the command that prints an npm audit JSON report in a service repo (default `npm audit --json`). */
    auditCommand: z.string().min(1).optional(),
    /** system-monitor: consecutive failed checks before a service is declared down (default 2). */
    failuresBeforeAlert: z.number().int().min(1).max(100).optional(),
  })
  .refine((a) => [a.every, a.cron, a.at].filter((x) => x !== undefined).length <= 1, { error: 'give one of every, cron or at' })
  .superRefine((a, ctx) => {
    try {
      if (a.cron !== undefined) checkSchedule({ cron: a.cron, ...(a.tz ? { tz: a.tz } : {}) });
      else if (a.every !== undefined) checkSchedule({ every: a.every });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [a.cron !== undefined ? 'cron' : 'every'] });
    }
  });

const fileSchema = z.strictObject({
  founders: z
    .strictObject({
      telegram: z.array(z.number().int().positive({ error: 'expected numeric Telegram user ids' })).default([]),
      slack: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, { error: 'expected Slack user ids like U012AB3CD' })).default([]),
    })
    .prefault({}),
  services: z
    .record(z.string().regex(SERVICE_NAME, { error: 'service names are lowercase letters, digits, - and _' }), serviceSchema)
    .default({}),
  agents: z.record(z.string(), agentSchema).default({}),
  llm: z
    .strictObject({
      chain: z
        .array(z.string().regex(/^(anthropic|openai|google|ollama):\S+$/, { error: 'expected provider:model with provider one of anthropic, openai, google, ollama' }))
        .default(['anthropic:claude-sonnet-5-5', 'openai:gpt-5.4-mini', 'google:gemini-2.5-flash', 'ollama:llama3.2']),
      timeout: durationSchema.default(30_000),
      breaker: z.strictObject({ failures: z.number().int().min(1).default(3), coolDown: durationSchema.default(30_000) }).prefault({}),
      budget: z
        .strictObject({ dailyUsd: z.number().positive().optional(), monthlyUsd: z.number().positive().optional() })
        .default({}),
      prices: z.record(z.string(), z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).default({}),
    })
    .prefault({}),
  voice: z
    .strictObject({
      maxDuration: durationSchema.default(120_000),
      maxMegabytes: z.number().positive().max(20, { error: 'at most 20 (the Bot API download limit)' }).default(20),
    })
    .prefault({}),
  deploy: z
    .strictObject({
      commandTimeout: durationSchema.default(600_000),
      approvalTimeout: durationSchema.default(86_400_000),
      verifyTimeout: durationSchema.default(60_000),
      verifyInterval: durationSchema.default(2_000),
    })
    .prefault({}),
  // Per approval kind (deploy, task, rollback, refund, unpair, command, fix-task): separateApprover
  // requires a founder other than the requester to decide it (checked against the registered kinds at start).
  approvals: z
    .record(z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'approval kinds are lowercase words joined by -' }), z.strictObject({ separateApprover: z.boolean().default(false) }))
    .default({}),
  // Telegram's flood limit in one chat (Bot FAQ: about one message a second, short bursts allowed):
  // what bots/telegram/throttle.ts keeps to. Lower it only for a local Bot API server or tests.
  telegram: z
    .strictObject({
      perChat: z.strictObject({ burst: z.number().int().min(1).max(100).default(3), perSecond: z.number().positive().max(100).default(1) }).prefault({}),
    })
    .prefault({}),
  // Pairing codes (src/founders/pairing.ts): how long a printed code is valid.
  pairing: z.strictObject({ codeTtl: durationSchema.default(900_000) }).prefault({}),
  // Stripe webhooks: a payment_intent.succeeded above this amount (USD) is announced.
  stripe: z.strictObject({ bigPaymentUsd: z.number().nonnegative().default(1000) }).prefault({}),
  // Diagnose (the button on a down alert): a task deploy this long before the failure is suspected.
  diagnose: z.strictObject({ window: durationSchema.default(3_600_000) }).prefault({}),
  // The workforce (/task): limits per task.
  tasks: z
    .strictObject({
      maxRounds: z.number().int().min(1).max(10).default(3),
      maxCostUsd: z.number().positive().default(2),
      timeout: durationSchema.default(1_800_000),
      /** Tool calls the developer may make in one round before it must finish. */
      maxToolCalls: z.number().int().min(1).max(200).default(40),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      // How often the workers retry alerts that no chat accepted yet (a chat platform down).
      retryInterval: durationSchema.default(15_000),
      // Non-critical alerts wait during these hours and arrive afterwards as one summary ("22:00-07:00").
      quietHours: z.string().optional(),
      tz: z.string().default('UTC'),
    })
    .superRefine((a, ctx) => {
      if (a.quietHours === undefined) return;
      try {
        parseQuietHours(a.quietHours, a.tz);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, path: ['quietHours'] });
      }
    })
    .prefault({}),
  // BullMQ workers: a job whose worker stops renewing its lock (a crashed process) is stalled after
  // lockDuration and handed to another worker by the next stalled checks (every stalledInterval):
  // a run killed mid-deploy is taken up again at most lockDuration + 2 × stalledInterval after the
  // crash (12 s with these defaults; BullMQ's own 30 s + 30 s left the founder waiting a minute).
  // A worker renews its locks every lockDuration / 2, so an event loop blocked longer than
  // lockDuration would be taken for a crash.
  jobs: z
    .strictObject({
      lockDuration: durationSchema.default(6_000),
      stalledInterval: durationSchema.default(3_000),
      /** How often the watchdog looks for enabled agents that have stopped running. */
      watchdogInterval: durationSchema.default(60_000),
      /**
       * Slack before a late scheduled run counts as a catch-up after downtime (`agents.<name>.missed`):
       * a run more than two intervals plus this after the last one. A slow worker is not downtime.
       */
      missedGrace: durationSchema.default(5_000),
    })
    .prefault({}),
});

export type ServiceConfig = z.output<typeof serviceSchema>;
export type AgentConfig = z.output<typeof agentSchema>;

/** The validated configuration that every part of AUREA reads: the output of {@link toConfig}. */
export type Config = ReturnType<typeof toConfig>;

export type Env = Record<string, string | undefined>;

function issueToError(source: string, issue: z.core.$ZodIssue, input: unknown): ConfigError {
  const key = issue.path.map(String).join('.') || '(top level)';
  let detail = issue.message;
  if (issue.code === 'unrecognized_keys') {
    detail = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const parent = issue.path.map(String).join('.');
    return new ConfigError(parent || issue.keys[0] || key, `Invalid ${source}: ${parent ? `${parent}: ` : ''}${detail}`);
  }
  const got = issue.path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined),
    input,
  );
  const shown = typeof got === 'string' || typeof got === 'number' || typeof got === 'boolean' ? ` (got ${JSON.stringify(got)})` : '';
  const secret = /TOKEN|SECRET|PASSWORD|KEY/.test(key);
  return new ConfigError(key, `Invalid ${source}: ${key}: ${detail}${secret ? '' : shown}`);
}

function readConfigFile(path: string, explicit: boolean): { data: unknown; file: string | null } {
  const file = resolve(path);
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError('AUREA_CONFIG', `Config file not found: ${file} (AUREA_CONFIG points there). Copy aurea.config.example.yaml to start.`);
    return { data: {}, file: null };
  }
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const [first] = doc.errors;
  if (first) {
    const line = first.linePos?.[0]?.line;
    throw new ConfigError('(yaml)', `Invalid ${file}: ${line ? `line ${line}: ` : ''}${first.message.split('\n')[0]}`);
  }
  return { data: doc.toJS() ?? {}, file };
}

/** Password part of a connection URL, if any, so it can be scrubbed. */
function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p ? [p] : [];
  } catch {
    return [];
  }
}

/**
 * Builds the validated configuration.
 * @param env environment variables (usually `process.env`)
 * @param file path of aurea.config.yaml; defaults to `env.AUREA_CONFIG`, then `./aurea.config.yaml`.
 *   A missing default file means "no services, no founders yet"; a missing explicit file is an error.
 * @returns the merged {@link Config}; repo paths are absolute, resolved against the config file's folder
 * @throws ConfigError naming the first offending key and what is wrong with it
 */
export function loadConfig(rawEnv: Env, file?: string): Config {
  // `KEY=` (as copied from .env.example) means "not set".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const envResult = envSchema.safeParse(env);
  if (!envResult.success) throw issueToError('environment', envResult.error.issues[0]!, env);
  const e = envResult.data;

  const explicit = file !== undefined || e.AUREA_CONFIG !== undefined;
  const { data, file: configFile } = readConfigFile(file ?? e.AUREA_CONFIG ?? './aurea.config.yaml', explicit);
  const fileResult = fileSchema.safeParse(data);
  if (!fileResult.success) throw issueToError(configFile ?? 'aurea.config.yaml', fileResult.error.issues[0]!, data);
  const f = fileResult.data;

  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(
      'TELEGRAM_WEBHOOK_SECRET',
      'Invalid environment: TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not, so anyone who finds the URL could post updates as a founder. ' +
        'Make one with `openssl rand -hex 32` and set TELEGRAM_WEBHOOK_SECRET (Telegram then sends it with every update), or unset TELEGRAM_WEBHOOK_URL for long polling',
    );
  }
  if (e.TELEGRAM_WEBHOOK_SECRET && !e.TELEGRAM_WEBHOOK_URL) {
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'Invalid environment: TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not; set both for webhook mode, or neither for long polling');
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'Invalid environment: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode, POST /slack/events) nor SLACK_APP_TOKEN (Socket Mode) is');
  }
  if (e.TRANSCRIBE_PROVIDER === 'openai' && !e.OPENAI_API_KEY) {
    throw new ConfigError('TRANSCRIBE_PROVIDER', 'Invalid environment: TRANSCRIBE_PROVIDER=openai needs OPENAI_API_KEY');
  }
  return toConfig(e, f, { configFile, redisUrlSet: env.REDIS_URL !== undefined });
}

/** A literal-typed value (keeps `'openai' | 'offline'` from widening to string in the result). */
const literal = <T extends string>(value: T): T => value;

/**
 * Environment and file, both already validated by their zod schemas (where every default is
 * written), → the configuration's shape. The {@link Config} type is derived from this.
 */
function toConfig(e: z.output<typeof envSchema>, f: z.output<typeof fileSchema>, where: { configFile: string | null; redisUrlSet: boolean }) {
  const { configFile } = where;
  const base = configFile ? dirname(configFile) : process.cwd();
  const services: Record<string, ServiceConfig> = Object.fromEntries(
    Object.entries(f.services).map(([name, s]) => [name, { ...s, repo: resolve(base, s.repo) }]),
  );
  return {
    telegram: {
      /** Bot token from @BotFather; undefined = no Telegram channel. Secret. */
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      /** Set = webhook mode on POST /telegram/webhook; unset = long polling. */
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      /** Founders' Telegram user ids (file ∪ FOUNDER_TELEGRAM_IDS). */
      founders: [...new Set([...f.founders.telegram, ...e.FOUNDER_TELEGRAM_IDS])],
      /** Those of them named in FOUNDER_TELEGRAM_IDS (the rest are in the file), for /founders. */
      foundersFromEnv: e.FOUNDER_TELEGRAM_IDS,
      /** Messages per chat: a burst, refilled at `perSecond` (telegram.perChat). */
      perChat: f.telegram.perChat,
    },
    slack: {
      /** Bot token (xoxb-); undefined = no Slack channel. Secret. */
      botToken: e.SLACK_BOT_TOKEN,
      /** Verifies HTTP requests on POST /slack/events. Secret. */
      signingSecret: e.SLACK_SIGNING_SECRET,
      /** App-level token (xapp-): set = Socket Mode instead of HTTP. Secret. */
      appToken: e.SLACK_APP_TOKEN,
      /** Web API root, ending in /. */
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      /** Founders' Slack user ids (file ∪ FOUNDER_SLACK_IDS). */
      founders: [...new Set([...f.founders.slack, ...e.FOUNDER_SLACK_IDS])],
      /** Those of them named in FOUNDER_SLACK_IDS (the rest are in the file), for /founders. */
      foundersFromEnv: e.FOUNDER_SLACK_IDS,
    },
    database: { url: e.DATABASE_URL, dataDir: resolve(e.AUREA_DATA_DIR) },
    /** `managed`: REDIS_URL was not set, so AUREA may start a local redis-server itself when none answers. */
    redis: { url: e.REDIS_URL, prefix: e.AUREA_REDIS_PREFIX, managed: !where.redisUrlSet },
    http: { port: e.PORT, host: e.HOST },
    logLevel: e.LOG_LEVEL,
    /** Absolute path of the config file that was read, or null when none exists and defaults apply. */
    configFile,
    services,
    agents: f.agents,
    deploy: {
      commandTimeoutMs: f.deploy.commandTimeout,
      approvalTimeoutMs: f.deploy.approvalTimeout,
      verifyTimeoutMs: f.deploy.verifyTimeout,
      verifyIntervalMs: f.deploy.verifyInterval,
    },
    jobs: { lockDurationMs: f.jobs.lockDuration, stalledIntervalMs: f.jobs.stalledInterval, watchdogIntervalMs: f.jobs.watchdogInterval, missedGraceMs: f.jobs.missedGrace },
    diagnose: { windowMs: f.diagnose.window },
    /** Per approval kind: `separateApprover` (a founder other than the requester decides). */
    approvals: f.approvals as Record<string, { separateApprover: boolean } | undefined>,
    pairing: { codeTtlMs: f.pairing.codeTtl },
    tasks: { maxRounds: f.tasks.maxRounds, maxCostUsd: f.tasks.maxCostUsd, timeoutMs: f.tasks.timeout, maxToolCalls: f.tasks.maxToolCalls },
    alerts: { retryIntervalMs: f.alerts.retryInterval, quietHours: f.alerts.quietHours ? parseQuietHours(f.alerts.quietHours, f.alerts.tz) : undefined },
    voice: {
      maxDurationMs: f.voice.maxDuration,
      maxBytes: Math.round(f.voice.maxMegabytes * 1024 * 1024),
      /** `openai` when OPENAI_API_KEY is set (or forced by TRANSCRIBE_PROVIDER), else `offline` (pocketsphinx). */
      provider: literal(e.TRANSCRIBE_PROVIDER === 'auto' ? (e.OPENAI_API_KEY ? 'openai' : 'offline') : e.TRANSCRIBE_PROVIDER),
    },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
    /** Memory embeddings: `openai` (text-embedding-3-small) when OPENAI_API_KEY is set, unless AUREA_EMBEDDER says otherwise. */
    embedder: literal(e.AUREA_EMBEDDER === 'auto' ? (e.OPENAI_API_KEY ? 'openai' : 'offline') : e.AUREA_EMBEDDER),
    llm: {
      /** `provider:model`, first choice first. */
      chain: f.llm.chain,
      timeoutMs: f.llm.timeout,
      breaker: { failures: f.llm.breaker.failures, coolDownMs: f.llm.breaker.coolDown },
      budget: f.llm.budget,
      prices: f.llm.prices,
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      google: { apiKey: e.GOOGLE_API_KEY, baseUrl: e.GOOGLE_BASE_URL },
      ollama: { baseUrl: e.OLLAMA_BASE_URL },
    },
    adminToken: e.ADMIN_TOKEN,
    /** ADMIN_QUEUES_WRITE: the queue dashboard may change jobs. */
    adminQueuesWrite: e.ADMIN_QUEUES_WRITE === 'true',
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE, bigPaymentUsd: f.stripe.bigPaymentUsd },
    /** Secret values (tokens, passwords in URLs) to scrub from logs, chat and child processes. */
    secrets: [e.OPENAI_API_KEY, e.ANTHROPIC_API_KEY, e.GOOGLE_API_KEY, e.TELEGRAM_BOT_TOKEN, e.TELEGRAM_WEBHOOK_SECRET, e.SLACK_BOT_TOKEN, e.SLACK_SIGNING_SECRET, e.SLACK_APP_TOKEN, e.STRIPE_SECRET_KEY, e.STRIPE_WEBHOOK_SECRET, e.ADMIN_TOKEN, ...urlPassword(e.DATABASE_URL), ...urlPassword(e.REDIS_URL)].filter(
      (s): s is string => typeof s === 'string' && s.length >= 6,
    ),
  };
}
