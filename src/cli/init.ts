/**
 * `aurea init`: from nothing to a configured AUREA. Asks (or, with `--yes`, reads from the
 * environment and flags) each chat channel's token, model keys and a first service; checks
 * each (the channel's own token test, one models.list per provider, a health probe and a dry run
 * of the test command); writes `.env` (mode 600) and `aurea.config.yaml`, never overwriting either
 * without consent (a question, or `--force`); then prints how to claim the bot with a pairing code.
 * Re-running it edits what exists: keys and services it is not given are kept.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { envNames, loadChannelSettings, loadConfig, type Config } from '../config.js';
import { describeError } from '../errors.js';
import { checkHealth } from '../health/check.js';
import { runCommand } from '../shell/run.js';
import { CHANNELS } from '../main.js';
import { runPair } from './founders.js';

/** Asks a person, or answers for them (`--yes`). */
interface Prompter {
  /** A value: what they typed, else `current` (Enter keeps it). */
  ask(question: string, current?: string, secret?: boolean): Promise<string | undefined>;
  /** Consent to overwrite: y/N. */
  confirm(question: string): Promise<boolean>;
  close(): void;
}

type Level = 'ok' | 'warn' | 'fail' | 'skip';
const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

const OPTIONS = {
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
  service: { type: 'string' },
  repo: { type: 'string' },
  health: { type: 'string' },
  test: { type: 'string' },
  deploy: { type: 'string' },
  rollback: { type: 'string' },
} as const;

/** The parsed flags of `aurea init`. */
type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** `KEY=value` lines → map (comments and blank lines dropped; quotes removed). */
function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return out;
}

/** The .env text: the existing file with changed values edited in place, new keys appended. */
function renderEnvFile(existing: string, values: Map<string, string>): string {
  const quote = (v: string) => (/[\s#"'\\]/.test(v) ? JSON.stringify(v) : v);
  const done = new Set<string>();
  const lines = existing ? existing.replace(/\n$/, '').split('\n') : ['# Written by `aurea init`. Secrets live here, never in aurea.config.yaml (.env.example lists every variable).'];
  const edited = lines.map((line) => {
    const key = /^\s*#?\s*([A-Z][A-Z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !values.has(key) || done.has(key)) return line;
    done.add(key);
    return `${key}=${quote(values.get(key)!)}`;
  });
  for (const [key, value] of values) if (!done.has(key)) edited.push(`${key}=${quote(value)}`);
  return `${edited.join('\n')}\n`;
}

function stdinPrompter(): Prompter {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return {
    async ask(question, current, secret) {
      const shown = current ? ` [${secret ? `${current.slice(0, 6)}…` : current}]` : '';
      const answer = (await rl.question(`${question}${shown}: `)).trim();
      return answer || current;
    },
    async confirm(question) {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N]: `)).trim());
    },
    close: () => rl.close(),
  };
}

/** `--yes`: every answer is already known; consent only with `--force`. */
function givenPrompter(force: boolean): Prompter {
  return { ask: async (_q, current) => current, confirm: async () => force, close: () => undefined };
}

/**
 * Runs `aurea init`.
 * @param argv the words after `init`
 * @param env the environment (with an existing .env already loaded, so re-running starts from it)
 * @param print where the report goes
 * @returns exit code: 0 written (or kept by choice), 1 a check failed (nothing written), 2 bad flags
 */
export async function runInit(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void = console.log, cwd = process.cwd()): Promise<number> {
  let flags: Flags;
  try {
    flags = parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  } catch (err) {
    print(`aurea init: ${(err as Error).message}\nUsage: aurea init [--yes [--force]] [--service <name> --repo <path> --health <url> --test <cmd> --deploy <cmd> --rollback <cmd>]`);
    return 2;
  }
  const prompter = flags.yes ? givenPrompter(Boolean(flags.force)) : stdinPrompter();
  try {
    return await init(flags, env, prompter, print, cwd);
  } finally {
    prompter.close();
  }
}

async function init(flags: Flags, env: NodeJS.ProcessEnv, prompter: Prompter, print: (line: string) => void, cwd: string): Promise<number> {
  const envPath = resolve(cwd, '.env');
  const configPath = resolve(cwd, env.AUREA_CONFIG || 'aurea.config.yaml');
  const report = (level: Level, what: string, detail: string) => print(`${MARK[level]} ${what.padEnd(12)} ${detail}`);
  let failed = false;
  const fail = (what: string, detail: string) => {
    failed = true;
    report('fail', what, detail);
  };

  // Every AUREA variable already set (the environment, and an existing .env) is the starting point.
  const values = new Map(envNames(CHANNELS).flatMap((k) => (env[k]?.trim() ? [[k, env[k]!.trim()] as const] : [])));
  const take = async (key: string, question: string, secret = true) => {
    const answer = await prompter.ask(question, values.get(key), secret);
    if (answer) values.set(key, answer);
    else values.delete(key);
    return answer;
  };

  // Each chat channel: its questions (the first is its token; no answer skips it), then its own check.
  for (const { settings: channel } of CHANNELS) {
    if (!channel) continue;
    const [token, ...more] = channel.setup;
    if (!token || !(await take(token.key, token.question))) {
      report('skip', channel.title, `no token: no ${channel.title} channel`);
      continue;
    }
    for (const q of more) if (!q.when || q.when(values)) await take(q.key, q.question);
    let settings;
    try {
      settings = loadChannelSettings(Object.fromEntries(values), channel);
    } catch (err) {
      fail(channel.title, describeError(err));
      continue;
    }
    for (const line of await channel.check(settings, { httpPort: Number(values.get('PORT') ?? 3000) })) {
      const what = line.what === channel.name ? channel.title : line.what;
      const detail = line.fix ? `${line.detail} → ${line.fix}` : line.detail;
      if (line.level === 'fail') fail(what, detail);
      else report(line.level, what, detail);
    }
  }

  for (const provider of ['anthropic', 'openai'] as const) {
    const key = provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
    const name = provider === 'anthropic' ? 'Anthropic' : 'OpenAI';
    const apiKey = await take(key, `${name} API key (Enter to skip)`);
    if (!apiKey) {
      report('skip', name, 'no key');
      continue;
    }
    try {
      // One free call per key: the models list.
      if (provider === 'anthropic') {
        const { default: Anthropic } = await import('@anthropic-ai/sdk');
        await new Anthropic({ apiKey, baseURL: values.get('ANTHROPIC_BASE_URL'), maxRetries: 0, timeout: 10_000 }).models.list({ limit: 1 });
      } else {
        const { default: OpenAI } = await import('openai');
        await new OpenAI({ apiKey, baseURL: values.get('OPENAI_BASE_URL'), maxRetries: 0, timeout: 10_000 }).models.list();
      }
      report('ok', name, 'the key works (models.list)');
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 403) fail(name, `the key was refused (${status}): create a new one in the provider's console.`);
      else report('warn', name, `could not check the key (${describeError(err)}); kept as given`);
    }
  }

  // The first service.
  const service = flags.service ?? (await prompter.ask('First service to watch and deploy: its name (Enter to skip)'));
  let serviceNode: Record<string, string> | undefined;
  if (service) {
    const repoAnswer = flags.repo ?? (await prompter.ask(`Path of ${service}'s git checkout`));
    const repo = repoAnswer ? resolve(cwd, repoAnswer) : undefined;
    if (!repo || !existsSync(resolve(repo, '.git'))) {
      fail(`service ${service}`, `${repo ?? 'no path'} is not a git checkout: give --repo <path of its clone>`);
    } else {
      const ask = async (flag: string | undefined, q: string) => flag ?? (await prompter.ask(q));
      const health = await ask(flags.health, `${service}'s health URL (Enter to skip)`);
      const test = await ask(flags.test, `${service}'s test command (e.g. npm test; Enter to skip)`);
      const deploy = await ask(flags.deploy, `${service}'s deploy command (Enter to skip)`);
      const rollback = await ask(flags.rollback, `${service}'s rollback command (Enter to skip)`);
      serviceNode = { repo: relative(dirname(configPath), repo) || '.', ...(test && { test }), ...(deploy && { deploy }), ...(rollback && { rollback }), ...(health && { health }) };
      if (health) {
        const probe = await checkHealth(health, 5_000);
        report(probe.ok ? 'ok' : 'warn', `service ${service}`, probe.ok ? `${health} answers (${Math.round(probe.latencyMs)} ms)` : `${health} does not answer yet: ${probe.error}`);
      }
      if (test) {
        const run = await runCommand(test, { cwd: repo, timeoutMs: 300_000, secrets: [...values.values()], tailLines: 3 });
        if (run.exitCode === 0) report('ok', `service ${service}`, `tests pass (${test}, ${(run.durationMs / 1000).toFixed(1)} s)`);
        else report('warn', `service ${service}`, `tests fail (${test}): ${run.timedOut ? 'timed out' : run.tail.split('\n').at(-1)}; deploys will wait until they pass`);
      }
    }
  } else report('skip', 'services', 'none: add one later under services in aurea.config.yaml (or run aurea init again)');

  if (failed) {
    print('\nNothing was written: fix what is marked ✗ and run aurea init again.');
    return 1;
  }

  // aurea.config.yaml: a new file, or the existing one with this service set (comments kept).
  let configWritten = false;
  if (serviceNode || !existsSync(configPath)) {
    const exists = existsSync(configPath);
    if (exists && !(await prompter.confirm(`${relative(cwd, configPath)} exists: add or update the service ${service} in it?`))) {
      report('skip', 'config', `kept ${relative(cwd, configPath)} as it is${flags.yes ? ' (--force to update it)' : ''}`);
    } else {
      const doc = parseDocument(exists ? readFileSync(configPath, 'utf8') : '# Written by `aurea init`. The README\'s "Configuration" section lists every key.\n');
      if (!doc.contents) doc.contents = doc.createNode({}) as never;
      if (serviceNode) doc.setIn(['services', service], doc.createNode(serviceNode));
      else if (!doc.has('services')) doc.set('services', doc.createNode({}));
      // Validated as AUREA will read it before it replaces anything.
      const tmp = `${configPath}.tmp`;
      writeFileSync(tmp, doc.toString());
      try {
        loadConfig(Object.fromEntries(values), CHANNELS, tmp);
      } catch (err) {
        rmSync(tmp, { force: true });
        print(`✗ config       ${describeError(err)}\n\nNothing was written.`);
        return 1;
      }
      renameSync(tmp, configPath);
      configWritten = true;
      report('ok', 'config', `${exists ? 'updated' : 'wrote'} ${relative(cwd, configPath)}`);
    }
  }

  // .env: secrets, mode 600.
  const envExists = existsSync(envPath);
  if (envExists && !(await prompter.confirm('.env exists: update it with these answers (other lines are kept)?'))) {
    report('skip', '.env', `kept .env as it is${flags.yes ? ' (--force to update it)' : ''}`);
  } else {
    const text = renderEnvFile(envExists ? readFileSync(envPath, 'utf8') : '', values);
    writeFileSync(envPath, text, { mode: 0o600 });
    chmodSync(envPath, 0o600);
    report('ok', '.env', `${envExists ? 'updated' : 'wrote'} .env (mode 600)`);
  }

  // How to become a founder: a pairing code now, valid 15 minutes (AUREA keeps it when it starts).
  const config: Config = loadConfig(Object.fromEntries(values), CHANNELS, configWritten || existsSync(configPath) ? configPath : undefined);
  const chats = CHANNELS.filter((d) => d.configured(config));
  const unclaimed = chats.filter((d) => d.pairingHint && d.configuredFounders(config).length === 0);
  print(`\nNext: ${chats.length ? 'npx aurea start' : 'npx aurea chat (no chat channel: this terminal is your channel)'}${unclaimed.length ? ', then:' : ''}`);
  for (const { name } of unclaimed) {
    await runPair(config, name, print).catch(() => print(`(Redis did not answer, so no pairing code yet: npx aurea start prints one for ${name}.)`));
  }
  return 0;
}
