import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineChannelSettings } from '../src/channels/settings.js';
import { envNames, loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { slackSettings } from '../bots/slack/settings.js';
import { telegramSettings } from '../bots/telegram/settings.js';
import { ConfigError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'aurea-config-'));
function file(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}
function configError0(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
const configError = (env: Record<string, string>, path?: string) => configError0(() => loadConfig({ AUREA_DATA_DIR: dir, ...env }, CHANNELS, path));

describe('configuration', () => {
  it('runs on defaults with no config file at all', () => {
    const config = loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS);
    expect(config.services).toEqual({});
    expect(telegramSettings.of(config).token).toBeUndefined();
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
  });

  it('accepts the committed example config', () => {
    const config = loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, 'aurea.config.example.yaml');
    expect(Object.keys(config.services)).toEqual(['billing']);
    expect(config.llm.chain[0]).toBe('anthropic:claude-sonnet-5-5');
    expect(config.llm.budget).toEqual({ dailyUsd: 5, monthlyUsd: 100 });
  });

  it('treats empty variables (KEY= as in .env.example) as unset', () => {
    const config = loadConfig({ AUREA_DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '', SLACK_BOT_TOKEN: ' ', FOUNDER_SLACK_IDS: '', PORT: '' }, CHANNELS);
    expect(telegramSettings.of(config).token).toBeUndefined();
    expect(slackSettings.of(config).botToken).toBeUndefined();
    expect(config.http.port).toBe(3000);
  });

  it('reads services, founders and agents, resolving repo paths against the config file', () => {
    const path = file(
      'ok.yaml',
      `founders: { telegram: [42] }
services:
  billing: { repo: ./billing, test: npm test, deploy: ./deploy.sh, health: "http://127.0.0.1:9/health", approval: auto }
agents:
  system-monitor: { every: 30s }
`,
    );
    const config = loadConfig({ FOUNDER_TELEGRAM_IDS: '7, 42' }, CHANNELS, path);
    expect(telegramSettings.of(config).founders).toEqual([
      { userId: '42', from: 'FOUNDER_TELEGRAM_IDS' },
      { userId: '7', from: 'FOUNDER_TELEGRAM_IDS' },
    ]);
    expect(config.services.billing).toMatchObject({ repo: join(dir, 'billing'), approval: 'auto', healthTimeout: 5000 });
    expect(config.agents['system-monitor']).toMatchObject({ every: 30_000, enabled: true });
  });

  it.each([
    ['services:\n  billing: { repo: ., health: not-a-url }\n', 'services.billing.health', /services\.billing\.health: expected an http\(s\) URL .*\(got "not-a-url"\)/],
    ['agents:\n  system-monitor: { every: 5 minutes }\n', 'agents.system-monitor.every', /"5 minutes" is not a duration; write it like 500ms, 30s, 5m, 1h or 1d/],
    ['services:\n  billing: { repo: ., approval: maybe }\n', 'services.billing.approval', /expected "required" or "auto"/],
    ['services:\n  billing: { repo: ., deploi: x }\n', 'services.billing', /services\.billing: unknown key "deploi"/],
    ['founders: { telegram: [abc] }\n', 'founders.telegram.0', /founders\.telegram\.0/],
    ['services: [unclosed\n', '(yaml)', /line \d+/],
  ])('names the key in an invalid file: %s', (yaml, key, message) => {
    const err = configError({}, file(`bad-${key}.yaml`, yaml));
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
  });

  it('names the variable in an invalid environment, without echoing secrets', () => {
    expect(configError({ PORT: 'eighty' }).message).toMatch(/^Invalid environment: PORT: expected a port number/);
    const token = configError({ TELEGRAM_BOT_TOKEN: 'sk-not-a-telegram-token' });
    expect(token.key).toBe('TELEGRAM_BOT_TOKEN');
    expect(token.message).not.toContain('sk-not-a-telegram-token');
    expect(configError({ FOUNDER_TELEGRAM_IDS: '12,@ada' }).message).toMatch(/FOUNDER_TELEGRAM_IDS: "@ada" is not a Telegram user id/);
    expect(configError({ AUREA_CONFIG: join(dir, 'missing.yaml') }).message).toMatch(/Config file not found/);
  });

  it('events.webhooks: the secret comes from the variable it names, is checked, and is scrubbed like every secret', () => {
    const yaml = file('events.yaml', 'events:\n  instance: acme-prod\n  webhooks:\n    - name: n8n\n      url: https://n8n.example.com/webhook/aurea\n      types: [deploy.*, task.deployed]\n      secretEnv: N8N_WEBHOOK_SECRET\n');
    const missing = configError({}, yaml);
    expect(missing.key).toBe('N8N_WEBHOOK_SECRET');
    expect(missing.message).toMatch(/^Invalid environment: N8N_WEBHOOK_SECRET \(the secret of events\.webhooks "n8n"\) must be a Standard Webhooks secret/);
    expect(configError({ N8N_WEBHOOK_SECRET: 'hunter2' }, yaml).message).not.toContain('hunter2');
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const config = loadConfig({ AUREA_DATA_DIR: dir, N8N_WEBHOOK_SECRET: secret }, CHANNELS, yaml);
    const [hook] = config.events.webhooks;
    expect({ instance: config.events.instance, name: hook!.name, url: hook!.url, secret: hook!.secret, retryForMs: config.events.retryForMs }).toEqual({ instance: 'acme-prod', name: 'n8n', url: 'https://n8n.example.com/webhook/aurea', secret, retryForMs: 86_400_000 });
    expect(['deploy.deployed', 'deploy.started', 'task.deployed', 'task.stopped', 'deployx.deployed'].filter((t) => hook!.match.test(t))).toEqual(['deploy.deployed', 'deploy.started', 'task.deployed']);
    expect(config.secrets).toContain(secret);
    expect(configError({}, file('events-bad.yaml', 'events:\n  webhooks:\n    - name: n8n\n      url: ftp://example.com\n      secretEnv: X\n')).message).toMatch(/events\.webhooks\.0\.url: expected an http\(s\) URL/);
  });

  it('aurea start with an invalid aurea.config.yaml exits with one line naming the key, no stack trace', () => {
    const path = file('start-bad.yaml', 'services:\n  billing:\n    repo: .\n    health: 12\n');
    const run = spawnSync(process.execPath, ['src/cli/bin.js', 'start'], {
      env: { PATH: process.env.PATH, AUREA_CONFIG: path, AUREA_DATA_DIR: join(dir, 'data') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`aurea: Invalid ${path}: services.billing.health: expected an http(s) URL that answers 2xx when the service is healthy (got 12)`);
    expect(run.stdout).toBe('');
  });

  it('composes the settings of the channels it is given: their variables, founders, section and secrets, and nothing of others', () => {
    // A channel nobody ships: what a new folder in bots/ declares, and nothing else.
    const pigeon = defineChannelSettings({
      name: 'pigeon',
      title: 'Pigeon post',
      env: { PIGEON_TOKEN: z.string().regex(/^coo-[\w-]+$/, { error: 'expected coo-…' }).optional() },
      file: z.strictObject({ loft: z.string().default('roof') }),
      founderId: z.string().regex(/^P\d+$/),
      founderIdText: { pattern: /^P\d+$/, hint: 'a pigeon id (P…)' },
      settings: ({ env, file, founders }) => ({ enabled: Boolean(env.PIGEON_TOKEN), token: env.PIGEON_TOKEN, loft: file?.loft ?? 'roof', founders }),
      secrets: (s) => [s.token],
      check: async (s) => [{ level: 'ok', what: 'pigeon', detail: s.loft }],
      setup: [{ key: 'PIGEON_TOKEN', question: 'Pigeon token' }],
    });
    const channels = [{ settings: pigeon }];
    const path = file('pigeon.yaml', 'founders: { pigeon: [P1] }\npigeon: { loft: barn }\n');
    const config = loadConfig({ AUREA_DATA_DIR: dir, PIGEON_TOKEN: 'coo-secret-token', FOUNDER_PIGEON_IDS: 'P2,P1' }, channels, path);
    expect(pigeon.of(config)).toEqual({
      enabled: true,
      token: 'coo-secret-token',
      loft: 'barn',
      founders: [
        { userId: 'P1', from: 'FOUNDER_PIGEON_IDS' },
        { userId: 'P2', from: 'FOUNDER_PIGEON_IDS' },
      ],
    });
    expect(config.secrets).toContain('coo-secret-token');
    expect(envNames(channels)).toEqual(expect.arrayContaining(['PIGEON_TOKEN', 'FOUNDER_PIGEON_IDS', 'DATABASE_URL']));
    expect(envNames(channels)).not.toContain('TELEGRAM_BOT_TOKEN');
    // Its schemas speak for it, naming the key…
    let err = configError0(() => loadConfig({ AUREA_DATA_DIR: dir, FOUNDER_PIGEON_IDS: 'Q9' }, channels));
    expect(err.message).toBe('Invalid environment: FOUNDER_PIGEON_IDS: "Q9" is not a pigeon id (P…) (got "Q9")');
    err = configError0(() => loadConfig({ AUREA_DATA_DIR: dir }, channels, file('pigeon-bad.yaml', 'pigeon: { lofts: 2 }\n')));
    expect(err.key).toBe('pigeon');
    // …and a channel not given is not there: its section is an unknown key, its settings absent.
    err = configError0(() => loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, path));
    expect(err.message).toMatch(/unknown keys? .*"pigeon"/);
    expect(() => pigeon.of(loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS))).toThrow(/without the pigeon channel/);
    expect(() => telegramSettings.of(config)).toThrow(/without the telegram channel/);
  });
});
