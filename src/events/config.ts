/**
 * `events:` in aurea.config.yaml: where AUREA's events go (README "Events").
 *
 * ```yaml
 * events:
 *   instance: acme-prod            # the CloudEvents source is aurea://acme-prod/<service>
 *   webhooks:
 *     - name: n8n
 *       url: https://n8n.example.com/webhook/aurea
 *       types: [deploy.*, task.succeeded]   # default: every event
 *       secretEnv: N8N_WEBHOOK_SECRET       # the variable holding its whsec_… secret
 * ```
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { durationSchema } from '../duration.js';
import { ConfigError } from '../errors.js';

/** An event type filter: `deploy.*`, `task.succeeded`, `*` (without the `com.aurea.` prefix). */
const TYPE_FILTER = /^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/;

export const eventsFileSchema = z
  .strictObject({
    instance: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/i, { error: 'expected a host-like name (letters, digits, dots, dashes)' }).optional(),
    webhooks: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z0-9_-]{1,40}$/, { error: 'expected lowercase letters, digits, - and _' }),
          url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
          types: z.array(z.string().regex(TYPE_FILTER, { error: 'expected an event type like deploy.succeeded, deploy.* or *' })).min(1).default(['*']),
          secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'expected the name of an environment variable, e.g. N8N_WEBHOOK_SECRET' }),
        }),
      )
      .default([])
      .refine((hooks) => new Set(hooks.map((h) => h.name)).size === hooks.length, { error: 'webhook names must be unique' }),
    // A delivery that fails is retried with exponential backoff (retryDelay, doubling, at most
    // retryMaxDelay apart) until retryFor after its first attempt; then it is parked.
    retryFor: durationSchema.default(86_400_000),
    retryDelay: durationSchema.default(5_000),
    retryMaxDelay: durationSchema.default(3_600_000),
    // How long a subscriber may take to answer one delivery.
    timeout: durationSchema.default(10_000),
    // How often the workers look for new events (the outbox) and for deliveries to start.
    dispatchInterval: durationSchema.default(500),
  })
  .prefault({});

/** One subscriber: its URL, the types it takes (as a regular expression over the short type), its secret. */
export interface EventWebhook {
  name: string;
  url: string;
  types: string[];
  /** Matches the short type (`deploy.succeeded`) of the events it takes. */
  match: RegExp;
  /** The Standard Webhooks secret (`whsec_` + base64). */
  secret: string;
}

export interface EventsConfig {
  /** The instance part of every event's source (`aurea://<instance>/<service>`). */
  instance: string;
  webhooks: EventWebhook[];
  retryForMs: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  timeoutMs: number;
  dispatchIntervalMs: number;
}

/**
 * `deploy.*` → /^deploy\..+$/; `*` → everything.
 * @throws RangeError naming a filter that is not an event type, `family.*` or `*` (no other regular
 *   expression reaches the matcher: filters also come from a request's query string)
 */
export function typeMatcher(types: readonly string[]): RegExp {
  const bad = types.find((t) => !TYPE_FILTER.test(t));
  if (bad !== undefined) throw new RangeError(`"${bad.slice(0, 60)}" is not an event type like deploy.deployed, deploy.* or *`);
  const one = (t: string) => (t === '*' ? '.+' : t.endsWith('.*') ? `${t.slice(0, -2).replaceAll('.', '\\.')}\\..+` : t.replaceAll('.', '\\.'));
  return new RegExp(`^(${types.map(one).join('|')})$`);
}

/**
 * The events configuration, with each webhook's secret read from the variable it names.
 * @returns the configuration and the secrets (to scrub from logs, chat and child processes)
 * @throws ConfigError naming the variable when it is unset or not a Standard Webhooks secret
 */
export function toEventsConfig(file: z.output<typeof eventsFileSchema>, env: Record<string, string | undefined>): { events: EventsConfig; secrets: string[] } {
  const webhooks = file.webhooks.map((w) => {
    const secret = env[w.secretEnv];
    // Standard Webhooks secrets are base64, usually written with the `whsec_` prefix (the spec's "Symmetric" section).
    if (!secret || !/^(whsec_)?[A-Za-z0-9+/]{24,}={0,2}$/.test(secret)) {
      throw new ConfigError(w.secretEnv, `Invalid environment: ${w.secretEnv} (the secret of events.webhooks "${w.name}") must be a Standard Webhooks secret: whsec_ followed by at least 24 base64 characters (e.g. whsec_$(openssl rand -base64 32))`);
    }
    return { name: w.name, url: w.url, types: w.types, match: typeMatcher(w.types), secret };
  });
  return {
    events: {
      instance: file.instance ?? hostname(),
      webhooks,
      retryForMs: file.retryFor,
      retryDelayMs: file.retryDelay,
      retryMaxDelayMs: file.retryMaxDelay,
      timeoutMs: file.timeout,
      dispatchIntervalMs: file.dispatchInterval,
    },
    secrets: webhooks.map((w) => w.secret),
  };
}
