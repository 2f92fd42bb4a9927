/**
 * GitHub in AUREA's configuration: the credentials (environment), the `github:` section and
 * `founders.github` of aurea.config.yaml, and `services.<name>.github` (the service's repository).
 *
 * ```yaml
 * founders:
 *   github: [ada-lovelace]          # logins whose @aurea comments steer a task
 * github:
 *   checksTimeout: 30m              # how long a pull request's checks are waited for
 *   poll: 60s                       # no public URL for webhooks: read the same signals through the API
 *   reviewers: founders             # or collaborators: anyone with write access
 * services:
 *   billing:
 *     repo: ./billing               # the local checkout; its `origin` is the GitHub repository
 *     github: { repo: acme/billing, base: main, merge: squash }
 * ```
 * Credentials: `GITHUB_TOKEN` (a fine-grained personal access token), or a GitHub App
 * (`GITHUB_APP_ID` + `GITHUB_APP_PRIVATE_KEY`; the installation is found by repository).
 */
import { z } from 'zod';
import { durationSchema } from '../duration.js';
import { ConfigError } from '../errors.js';

/** A GitHub login (docs: "Username may only contain alphanumeric characters or single hyphens"). */
const LOGIN = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { error: 'expected GitHub logins' });

/** The GitHub variables of the environment (src/config.ts adds them to its schema). */
export const githubEnvShape = {
  GITHUB_TOKEN: z.string().min(20, { error: 'expected a GitHub token (github_pat_… or ghp_…)' }).optional(),
  GITHUB_APP_ID: z.string().regex(/^\d+$/, { error: "expected the GitHub App's numeric id" }).optional(),
  /** The App's private key (PEM; `\n` written as two characters is read as a line break). */
  GITHUB_APP_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { error: 'expected the PEM private key of the GitHub App' }).optional(),
  /** The REST API root: GitHub Enterprise Server (`https://ghe.example.com/api/v3`) or a fake in tests. */
  GITHUB_API_URL: z.url({ error: 'expected a URL like https://api.github.com' }).default('https://api.github.com'),
  /** The webhook's secret (X-Hub-Signature-256 is checked against it on POST /webhooks/github). */
  GITHUB_WEBHOOK_SECRET: z.string().min(16, { error: 'use at least 16 characters (e.g. openssl rand -hex 24)' }).optional(),
};

/** `github:` in aurea.config.yaml. */
export const githubFileSchema = z
  .strictObject({
    /** How long a pull request's checks are waited for before the founder is asked anyway (saying so). */
    checksTimeout: durationSchema.default(30 * 60_000),
    /** How often the checks are read while they run. */
    checksInterval: durationSchema.default(15_000),
    /** Without a public URL for webhooks: read the same signals through the API this often (e.g. 60s). */
    poll: durationSchema.optional(),
    /** Whose `@aurea` comments steer a task: `founders` (founders.github) or `collaborators` (write access). */
    reviewers: z.enum(['founders', 'collaborators'], { error: 'expected founders or collaborators' }).default('founders'),
    /** The mention that addresses AUREA in a comment (an App's name, e.g. @acme-aurea[bot]). */
    mention: z.string().regex(/^@[\w\-[\]]+$/, { error: 'expected a mention like @aurea' }).default('@aurea'),
  })
  .prefault({});

/** `services.<name>.github`: the service's repository on GitHub. */
export const serviceGithubSchema = z
  .strictObject({
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'expected owner/name' }),
    base: z.string().min(1).default('main'),
    merge: z.enum(['squash', 'merge', 'rebase'], { error: 'expected squash, merge or rebase' }).default('squash'),
  })
  .optional();

/** `founders.github`: logins, not chat ids. */
export const githubFoundersSchema = z.array(LOGIN).default([]);

export type GithubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

export interface GithubConfig {
  /** null: no credentials, so no service can use GitHub. */
  auth: GithubAuth | null;
  apiUrl: string;
  webhookSecret: string | undefined;
  checksTimeoutMs: number;
  checksIntervalMs: number;
  /** github.poll: read GitHub's signals through the API this often (ms); undefined = webhooks only. */
  pollMs: number | undefined;
  reviewers: 'founders' | 'collaborators';
  mention: string;
  founders: string[];
}

/**
 * The GitHub configuration, checked: a service with `github:` needs credentials, and an App needs
 * both its id and its key.
 * @returns the configuration and its secrets (to scrub from logs, chat and child processes)
 * @throws ConfigError naming the variable or key
 */
export function toGithubConfig(
  env: z.output<z.ZodObject<typeof githubEnvShape>>,
  file: z.output<typeof githubFileSchema>,
  founders: string[],
  services: Record<string, { github?: unknown }>,
): { github: GithubConfig; secrets: string[] } {
  if (Boolean(env.GITHUB_APP_ID) !== Boolean(env.GITHUB_APP_PRIVATE_KEY)) {
    const missing = env.GITHUB_APP_ID ? 'GITHUB_APP_PRIVATE_KEY' : 'GITHUB_APP_ID';
    throw new ConfigError(missing, `Invalid environment: a GitHub App needs GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY; ${missing} is not set`);
  }
  const auth: GithubAuth | null = env.GITHUB_APP_ID
    ? { kind: 'app', appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY!.replaceAll('\\n', '\n') }
    : env.GITHUB_TOKEN
      ? { kind: 'token', token: env.GITHUB_TOKEN }
      : null;
  const onGithub = Object.entries(services).find(([, s]) => s.github);
  if (onGithub && !auth) {
    throw new ConfigError('GITHUB_TOKEN', `Invalid environment: services.${onGithub[0]}.github needs GITHUB_TOKEN (a fine-grained token) or a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY)`);
  }
  return {
    github: {
      auth,
      apiUrl: env.GITHUB_API_URL.replace(/\/+$/, ''),
      webhookSecret: env.GITHUB_WEBHOOK_SECRET,
      checksTimeoutMs: file.checksTimeout,
      checksIntervalMs: file.checksInterval,
      pollMs: file.poll,
      reviewers: file.reviewers,
      mention: file.mention,
      founders: founders.map((l) => l.toLowerCase()),
    },
    secrets: [env.GITHUB_TOKEN, env.GITHUB_APP_PRIVATE_KEY, env.GITHUB_WEBHOOK_SECRET].filter((s): s is string => Boolean(s)),
  };
}
