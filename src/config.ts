import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { checkSchedule } from './agents/schedule.js';
import { parseQuietHours } from './alerts/quiet.js';
import { durationSchema } from './duration.js';
import { eventsFileSchema, toEventsConfig, type EventsConfig } from './events/config.js';
import type { ChannelSettings, ChannelSettingsBase } from './channels/settings.js';
import { ConfigError } from './errors.js';
import { githubEnvShape, githubFileSchema, githubFoundersSchema, serviceGithubSchema, toGithubConfig, type GithubConfig } from './github/config.js';
import { mcpSchema, toMcpConfig, type McpConfig } from './mcp/config.js';

/**
 * Configuration: environment variables (secrets, endpoints; .env.example lists them) plus
 * `aurea.config.yaml` (founders, services, agents). Both are validated with zod
 * by {@link loadConfig}; nothing here reads `process.env` at import time.
 */

const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The channels a configuration is loaded for: each one's settings (src/channels/settings.ts); the console has none. */
export type ChannelsToLoad = readonly { settings?: ChannelSettings<any> }[];

/** The environment variables AUREA reads (the names of .env.example): its own and those of `channels`. */
export const envNames = (channels: ChannelsToLoad): string[] => [...Object.keys(envSchema.shape), ...settingsOf(channels).flatMap((c) => Object.keys(c.envShape))];

const settingsOf = (channels: ChannelsToLoad): ChannelSettings[] => channels.flatMap((c) => (c.settings ? [c.settings] : []));

/** AUREA's own environment variables; each channel adds its own (bots/<channel>/settings.ts). */
const envSchema = z.object({
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
  /** AUREA's own MCP server (POST /mcp) answers only with `Authorization: Bearer <MCP_TOKEN>`; unset, it is off. */
  MCP_TOKEN: z.string().min(16, { error: 'use at least 16 characters (e.g. openssl rand -hex 24)' }).optional(),
  /**
   * Host names (comma-separated) under which POST /mcp may be reached besides localhost, e.g. the
   * public name of a reverse proxy in front of AUREA. Any other Host or Origin is refused (403):
   * DNS-rebinding protection, as the MCP transport spec asks of a local server.
   */
  ...githubEnvShape,
  /** Inbound alerts (POST /webhooks/alertmanager, POST /webhooks/alert) answer only with `Authorization: Bearer <ALERTS_TOKEN>`; unset, they are off. */
  ALERTS_TOKEN: z.string().min(16, { error: 'use at least 16 characters (e.g. openssl rand -hex 24)' }).optional(),
  /** The Sentry integration's client secret: POST /webhooks/sentry checks Sentry-Hook-Signature (HMAC-SHA256 of the body) with it; unset, the route is off. */
  SENTRY_CLIENT_SECRET: z.string().min(16, { error: "expected the Sentry integration's client secret" }).optional(),
  /** A Sentry auth token (scope event:read): Diagnose of a Sentry alert reads the issue's latest event with it. */
  SENTRY_TOKEN: z.string().min(16, { error: 'expected a Sentry auth token (sntrys_… or an internal integration token)' }).optional(),
  /** Where Sentry's API is (a self-hosted Sentry, or a fake in tests). */
  SENTRY_API_URL: z.url({ error: 'expected a URL like https://sentry.io' }).default('https://sentry.io'),
  MCP_ALLOWED_HOSTS: z
    .string()
    .regex(/^[a-z0-9.\-[\]:]+(,[a-z0-9.\-[\]:]+)*$/i, { error: 'expected host names separated by commas, e.g. aurea.example.com,aurea.internal' })
    .optional(),
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
  /** The deploy command, or `on-merge`: the platform (Render, Vercel, Netlify…) deploys what is merged on GitHub itself. */
  deploy: z.string().min(1).optional(),
  rollback: z.string().min(1).optional(),
  /**
   * Where the health endpoint reports the commit it runs (a `deploy: on-merge` service): `$.sha`
   * (a JSON path into its body) or `header X-Commit` (a response header).
   */
  healthVersion: z
    .string()
    .regex(/^(\$(\.[A-Za-z_][\w-]*)+|header [A-Za-z0-9-]+)$/, { error: 'expected a JSON path like $.sha, or header <name>' })
    .optional(),
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
  /** MCP servers (`mcp.servers`) whose tools a task's developer may call; those that would ask are refused (nobody waits for a tap mid-task). */
  mcp: z.array(z.string().min(1)).default([]),
  /** The service's repository on GitHub: tasks become pull requests (src/github/). */
  github: serviceGithubSchema,
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

/** `alerts.sources.<source>`: the label that names the service, and the source's severities as AUREA's. */
const alertSourceSchema = z
  .strictObject({
    serviceLabel: z.string().min(1).default('service'),
    severity: z.record(z.string(), z.enum(['critical', 'warning', 'info'], { error: 'expected critical, warning or info' })).default({}),
  })
  .prefault({});

/** aurea.config.yaml without the channels' parts (`founders.<channel>` and each channel's own section). */
const fileSchema = z.strictObject({
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
      /** A pull request merged by a person into a GitHub service's base branch: `propose` a deploy in chat, or `ignore` it. */
      onMerge: z.enum(['propose', 'ignore'], { error: 'expected propose or ignore' }).default('ignore'),
      /** A `deploy: on-merge` service: how long after the merge its health endpoint may take to report the merged commit. */
      onMergeTimeout: durationSchema.default(10 * 60_000),
    })
    .prefault({}),
  // Per approval kind (deploy, task, rollback, refund, unpair, command, fix-task, mcp-call, github-task, github-deploy): separateApprover
  // requires a founder other than the requester to decide it (checked against the registered kinds at start).
  approvals: z
    .record(z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'approval kinds are lowercase words joined by -' }), z.strictObject({ separateApprover: z.boolean().default(false) }))
    .default({}),
  // Pairing codes (src/founders/pairing.ts): how long a printed code is valid.
  pairing: z.strictObject({ codeTtl: durationSchema.default(900_000) }).prefault({}),
  // Stripe webhooks: a payment_intent.succeeded above this amount (USD) is announced.
  stripe: z.strictObject({ bigPaymentUsd: z.number().nonnegative().default(1000) }).prefault({}),
  // The founder's MCP servers, used as tools (src/mcp/config.ts).
  mcp: mcpSchema,
  // GitHub: checks, reviewers (src/github/config.ts).
  github: githubFileSchema,
  events: eventsFileSchema,
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
      // Inbound alert sources (src/alerts/sources/): which label names the service, and how their severities map to AUREA's.
      sources: z
        .strictObject({ alertmanager: alertSourceSchema, generic: alertSourceSchema, sentry: alertSourceSchema })
        .prefault({}),
      // Inbound alerts for the same service within this window (or with the same fingerprint) form one incident.
      incidentWindow: durationSchema.default(600_000),
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
  // A record's key that fails its schema: say what the key schema says (zod wraps it as invalid_key).
  if (issue.code === 'invalid_key' && issue.issues[0]) detail = issue.issues[0].message;
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
 * The schemas of the environment and of aurea.config.yaml with each channel's parts added: its
 * variables, `founders.<name>` and its own section `<name>:`.
 */
function composedSchemas(channels: readonly ChannelSettings[]) {
  const env = envSchema.extend(Object.assign({}, ...channels.map((c) => c.envShape)) as z.ZodRawShape);
  const file = fileSchema.extend({
    founders: z.strictObject({ ...Object.fromEntries(channels.map((c) => [c.name, c.foundersSchema])), github: githubFoundersSchema }).prefault({}),
    ...Object.fromEntries(channels.flatMap((c) => (c.fileSchema ? [[c.name, c.fileSchema.prefault({})]] : []))),
  });
  return { env, file };
}

/**
 * Builds the validated configuration.
 * @param env environment variables (usually `process.env`)
 * @param channels the declared channels (bots/channels.ts): their settings are read and checked here
 * @param file path of aurea.config.yaml; defaults to `env.AUREA_CONFIG`, then `./aurea.config.yaml`.
 *   A missing default file means "no services, no founders yet"; a missing explicit file is an error.
 * @returns the merged {@link Config}; repo paths are absolute, resolved against the config file's folder
 * @throws ConfigError naming the first offending key and what is wrong with it
 */
export function loadConfig(rawEnv: Env, channels: ChannelsToLoad, file?: string): Config {
  // `KEY=` (as copied from .env.example) means "not set".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const declared = settingsOf(channels);
  const schemas = composedSchemas(declared);
  const envResult = schemas.env.safeParse(env);
  if (!envResult.success) throw issueToError('environment', envResult.error.issues[0]!, env);
  const e = envResult.data as z.output<typeof envSchema> & Record<string, unknown>;

  const explicit = file !== undefined || e.AUREA_CONFIG !== undefined;
  const { data, file: configFile } = readConfigFile(file ?? e.AUREA_CONFIG ?? './aurea.config.yaml', explicit);
  const fileResult = schemas.file.safeParse(data);
  if (!fileResult.success) throw issueToError(configFile ?? 'aurea.config.yaml', fileResult.error.issues[0]!, data);
  const f = fileResult.data as z.output<typeof fileSchema> & { founders: Record<string, string[]> } & Record<string, unknown>;

  if (e.TRANSCRIBE_PROVIDER === 'openai' && !e.OPENAI_API_KEY) {
    throw new ConfigError('TRANSCRIBE_PROVIDER', 'Invalid environment: TRANSCRIBE_PROVIDER=openai needs OPENAI_API_KEY');
  }
  const channelSettings: Record<string, ChannelSettingsBase> = Object.fromEntries(declared.map((c) => [c.name, c.build(e, f[c.name], f.founders[c.name] ?? [])]));
  const channelSecrets = declared.flatMap((c) => c.secrets(channelSettings[c.name]!));
  const { mcp, secrets: mcpSecrets } = toMcpConfig(f.mcp, env);
  for (const [name, s] of Object.entries(f.services)) {
    const unknown = s.mcp.find((server) => !mcp.servers[server]);
    if (unknown) throw new ConfigError(`services.${name}.mcp`, `Invalid ${configFile ?? 'aurea.config.yaml'}: services.${name}.mcp: there is no MCP server "${unknown}" under mcp.servers (configured: ${Object.keys(mcp.servers).join(', ') || 'none'})`);
  }
  for (const [name, s] of Object.entries(f.services)) {
    if (s.deploy === ON_MERGE && !s.github) throw new ConfigError(`services.${name}.deploy`, `Invalid ${configFile ?? 'aurea.config.yaml'}: services.${name}.deploy: on-merge needs services.${name}.github (the repository whose merges the platform deploys)`);
  }
  const { github, secrets: githubSecrets } = toGithubConfig(e, f.github, f.founders.github ?? [], f.services);
  const { events, secrets: eventSecrets } = toEventsConfig(f.events, env);
  return toConfig(e, f, { configFile, redisUrlSet: env.REDIS_URL !== undefined, channels: channelSettings, channelSecrets: [...channelSecrets, ...mcpSecrets, ...githubSecrets, ...eventSecrets], mcp, github, events });
}

/**
 * One channel's settings from the environment alone (`aurea init`, before aurea.config.yaml exists):
 * its variables validated and cross-checked as {@link loadConfig} does, no founders from the file.
 * @throws ConfigError naming the offending variable
 */
export function loadChannelSettings<S extends ChannelSettingsBase>(rawEnv: Env, channel: ChannelSettings<S>): S {
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = z.object(channel.envShape).safeParse(env);
  if (!result.success) throw issueToError('environment', result.error.issues[0]!, env);
  return channel.build(result.data, undefined, []);
}

/** `services.<name>.deploy: on-merge`: the platform deploys what is merged on GitHub; AUREA runs no deploy command. */
export const ON_MERGE = 'on-merge';

/** A literal-typed value (keeps `'openai' | 'offline'` from widening to string in the result). */
const literal = <T extends string>(value: T): T => value;

/**
 * Environment and file, both already validated by their zod schemas (where every default is
 * written), → the configuration's shape. The {@link Config} type is derived from this.
 */
function toConfig(
  e: z.output<typeof envSchema>,
  f: z.output<typeof fileSchema>,
  where: { configFile: string | null; redisUrlSet: boolean; channels: Readonly<Record<string, ChannelSettingsBase>>; channelSecrets: Array<string | undefined>; mcp: McpConfig; github: GithubConfig; events: EventsConfig },
) {
  const { configFile } = where;
  const base = configFile ? dirname(configFile) : process.cwd();
  const services: Record<string, ServiceConfig> = Object.fromEntries(
    Object.entries(f.services).map(([name, s]) => [name, { ...s, repo: resolve(base, s.repo) }]),
  );
  return {
    /** Each declared channel's settings by its name; its folder's `settings.of(config)` reads them typed. */
    channels: where.channels,
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
      onMerge: f.deploy.onMerge,
      onMergeTimeoutMs: f.deploy.onMergeTimeout,
    },
    jobs: { lockDurationMs: f.jobs.lockDuration, stalledIntervalMs: f.jobs.stalledInterval, watchdogIntervalMs: f.jobs.watchdogInterval, missedGraceMs: f.jobs.missedGrace },
    diagnose: { windowMs: f.diagnose.window },
    /** The founder's MCP servers and the limits of a call (src/mcp/). */
    mcp: where.mcp,
    /** GitHub credentials, API root, checks and reviewers (src/github/); a service's repository is `services.<name>.github`. */
    github: where.github,
    /** Outgoing events: the instance name and the webhooks (src/events/). */
    events: where.events,
    /** Per approval kind: `separateApprover` (a founder other than the requester decides). */
    approvals: f.approvals as Record<string, { separateApprover: boolean } | undefined>,
    pairing: { codeTtlMs: f.pairing.codeTtl },
    tasks: { maxRounds: f.tasks.maxRounds, maxCostUsd: f.tasks.maxCostUsd, timeoutMs: f.tasks.timeout, maxToolCalls: f.tasks.maxToolCalls },
    alerts: { sources: f.alerts.sources, token: e.ALERTS_TOKEN, sentrySecret: e.SENTRY_CLIENT_SECRET, sentryToken: e.SENTRY_TOKEN, sentryApiUrl: e.SENTRY_API_URL.replace(/\/+$/, ''), incidentWindowMs: f.alerts.incidentWindow, retryIntervalMs: f.alerts.retryInterval, quietHours: f.alerts.quietHours ? parseQuietHours(f.alerts.quietHours, f.alerts.tz) : undefined },
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
    /** MCP_TOKEN: the bearer token of AUREA's MCP server (POST /mcp); undefined = off. */
    mcpToken: e.MCP_TOKEN,
    mcpAllowedHosts: e.MCP_ALLOWED_HOSTS?.split(',').map((h) => h.toLowerCase()) ?? [],
    /** ADMIN_QUEUES_WRITE: the queue dashboard may change jobs. */
    adminQueuesWrite: e.ADMIN_QUEUES_WRITE === 'true',
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE, bigPaymentUsd: f.stripe.bigPaymentUsd },
    /** Secret values (tokens, passwords in URLs) to scrub from logs, chat and child processes. */
    secrets: [e.OPENAI_API_KEY, e.ANTHROPIC_API_KEY, e.GOOGLE_API_KEY, ...where.channelSecrets, e.STRIPE_SECRET_KEY, e.STRIPE_WEBHOOK_SECRET, e.ADMIN_TOKEN, e.MCP_TOKEN, e.ALERTS_TOKEN, e.SENTRY_CLIENT_SECRET, e.SENTRY_TOKEN, ...urlPassword(e.DATABASE_URL), ...urlPassword(e.REDIS_URL)].filter(
      (s): s is string => typeof s === 'string' && s.length >= 6,
    ),
  };
}
