/**
 * `aurea init` (--yes, and interactive in a real terminal) against the fake Telegram, Slack,
 * Anthropic and OpenAI APIs: what it checks, the files it writes (.env mode 600, aurea.config.yaml
 * AUREA can load), the pairing code it leaves, and that a second run keeps existing files without
 * consent and edits them with it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInit } from '../src/cli/init.js';
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { PairingCodes } from '../src/founders/pairing.js';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import { FakeService } from './fakes/health-service.js';
import { FakeOpenAIApi } from './fakes/openai-api.js';
import { FakeSlackApi } from './fakes/slack-api.js';
import { FakeTelegramApi } from './fakes/telegram-api.js';
import { REDIS_URL, ServiceRepo } from './helpers/harness.js';
import { Terminal } from './helpers/terminal.js';

describe('aurea init', () => {
  let telegram: FakeTelegramApi, slack: FakeSlackApi, anthropic: FakeAnthropicApi, openai: FakeOpenAIApi, service: FakeService;
  const dirs: string[] = [];
  const prefix = `aurea-test-${randomUUID()}`;
  beforeAll(async () => {
    [telegram, slack, anthropic, openai, service] = await Promise.all([FakeTelegramApi.start(), FakeSlackApi.start(), FakeAnthropicApi.start(), FakeOpenAIApi.start(), FakeService.start()]);
  });
  afterAll(async () => {
    await Promise.all([telegram.close(), slack.close(), anthropic.close(), openai.close(), service.close()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const env = () => ({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: anthropic.apiKey,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseUrl,
    REDIS_URL,
    AUREA_REDIS_PREFIX: prefix,
    PATH: process.env.PATH,
  });
  const init = async (args: string[], environment: NodeJS.ProcessEnv, cwd: string) => {
    const lines: string[] = [];
    const code = await runInit(args, environment, (l) => lines.push(l), cwd);
    return { code, out: lines.join('\n') };
  };
  const workdir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-init-'));
    dirs.push(dir);
    ServiceRepo.create(dir);
    return dir;
  };
  const serviceFlags = (name = 'billing') => ['--yes', '--service', name, '--repo', './billing', '--health', service.healthUrl, '--test', 'sh test.sh', '--deploy', 'sh deploy.sh', '--rollback', 'sh rollback.sh'];

  it('checks every token and key, probes the service and runs its tests, writes .env (600) and aurea.config.yaml, and leaves a pairing code', async () => {
    const dir = workdir();
    const { code, out } = await init(serviceFlags(), env(), dir);
    expect(code).toBe(0);
    expect(out).toMatch(/^✓ Telegram {5}@aurea_test_bot via http:\/\/127\.0\.0\.1:\d+, long polling$/m);
    expect(out).toMatch(/^✓ Slack {8}@aurea in AUREA test, HTTP mode on POST \/slack\/events$/m);
    expect(out).toMatch(/^✓ Anthropic {4}the key works \(models\.list\)$/m);
    expect(out).toMatch(/^✓ OpenAI {7}the key works \(models\.list\)$/m);
    expect(out).toMatch(/^✓ service billing http:\/\/127\.0\.0\.1:\d+\/health answers \(\d+ ms\)$/m);
    expect(out).toMatch(/^✓ service billing tests pass \(sh test\.sh, [\d.]+ s\)$/m);
    expect(out).toMatch(/^✓ config {7}wrote aurea\.config\.yaml$/m);
    expect(out).toMatch(/^✓ \.env {9}wrote \.env \(mode 600\)$/m);
    expect(out).toMatch(/^Send "\/start [2-9A-HJKMNP-Z]{8}" to @aurea_test_bot .* within 15 minutes: whoever sends it first becomes a founder\.$/m);
    expect(out).toMatch(/^Send "start [2-9A-HJKMNP-Z]{8}" to @aurea in Slack .* within 15 minutes/m);

    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    const written = readFileSync(join(dir, '.env'), 'utf8');
    expect(written).toContain(`TELEGRAM_BOT_TOKEN=${telegram.token}\n`);
    expect(written).toContain(`ANTHROPIC_API_KEY=${anthropic.apiKey}\n`);
    expect(written).not.toMatch(/^PATH=/m); // only AUREA's own variables
    expect(parse(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).services).toEqual({
      billing: { repo: 'billing', test: 'sh test.sh', deploy: 'sh deploy.sh', rollback: 'sh rollback.sh', health: service.healthUrl },
    });
    const config = loadConfig(env(), CHANNELS, join(dir, 'aurea.config.yaml'));
    expect(config.services.billing!.repo).toBe(join(dir, 'billing'));

    // The code it printed waits in Redis for AUREA to start (which keeps it instead of printing a new one).
    const redis = new Redis(REDIS_URL);
    expect(await new PairingCodes(redis, prefix, 900_000).remainingMs('telegram')).toBeGreaterThan(800_000);
    redis.disconnect();
  });

  it('keeps an existing .env and aurea.config.yaml without consent; with --force it edits them and keeps the rest', async () => {
    const dir = workdir();
    expect((await init(serviceFlags(), env(), dir)).code).toBe(0);
    const envBefore = readFileSync(join(dir, '.env'), 'utf8');
    const configBefore = readFileSync(join(dir, 'aurea.config.yaml'), 'utf8');

    // Re-run as a script would, with .env loaded (as the CLI does) and a new key: nothing changes.
    const again = await init(serviceFlags('payments'), { ...env(), LOG_LEVEL: 'debug' }, dir);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^- config {7}kept aurea\.config\.yaml as it is \(--force to update it\)$/m);
    expect(again.out).toMatch(/^- \.env {9}kept \.env as it is \(--force to update it\)$/m);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(envBefore);
    expect(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).toBe(configBefore);

    const forced = await init([...serviceFlags('payments'), '--force'], { ...env(), LOG_LEVEL: 'debug' }, dir);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/^✓ config {7}updated aurea\.config\.yaml$/m);
    expect(Object.keys(parse(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).services)).toEqual(['billing', 'payments']);
    expect(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).toMatch(/^# Written by `aurea init`/); // its comment kept
    const envAfter = readFileSync(join(dir, '.env'), 'utf8');
    expect(envAfter.startsWith(envBefore)).toBe(true);
    expect(envAfter.slice(envBefore.length)).toBe('LOG_LEVEL=debug\n');
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
  });

  it('a refused Telegram token or a missing repo fails with what to do, and writes nothing', async () => {
    const dir = workdir();
    const { code, out } = await init([...serviceFlags(), '--repo', './nowhere'], { ...env(), TELEGRAM_BOT_TOKEN: '123456789:AAWrongToken' }, dir);
    expect(code).toBe(1);
    expect(out).toMatch(/^✗ Telegram {5}getMe failed: .*401.* → the token was revoked or mistyped: copy the current one from @BotFather/m);
    expect(out).toMatch(/^✗ service billing .*nowhere is not a git checkout: give --repo <path of its clone>$/m);
    expect(out).toMatch(/Nothing was written/);
    expect(() => statSync(join(dir, '.env'))).toThrow();
    expect(() => statSync(join(dir, 'aurea.config.yaml'))).toThrow();
  });

  it('interactive, in a terminal: asks each question, checks the answers, writes the files; a second run asks before touching them', async () => {
    const dir = workdir();
    const term = new Terminal(dir, [process.execPath, resolve('src/cli/bin.js'), 'init'], null, {
      PATH: process.env.PATH!,
      HOME: dir,
      REDIS_URL,
      AUREA_REDIS_PREFIX: prefix,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
    });
    try {
      const answer = async (question: RegExp, text: string) => {
        await term.expect(question, 0, 15_000);
        const mark = term.screen().length;
        term.type(text);
        await term.expect(/\S/, mark); // the answer is taken (the next line appears)
      };
      await answer(/Telegram bot token from @BotFather \(Enter to skip\):$/, telegram.token);
      await term.expect(/^✓ Telegram {5}@aurea_test_bot via http:\/\/127\.0\.0\.1:\d+, long polling$/m);
      await answer(/Slack bot token xoxb-… \(Enter to skip\):$/, '');
      await answer(/Anthropic API key \(Enter to skip\):$/, anthropic.apiKey);
      await term.expect(/^✓ Anthropic {4}the key works \(models\.list\)$/m);
      await answer(/OpenAI API key \(Enter to skip\):$/, '');
      await answer(/First service to watch and deploy: its name \(Enter to skip\):$/, 'billing');
      await answer(/Path of billing's git checkout:$/, './billing');
      await answer(/billing's health URL \(Enter to skip\):$/, service.healthUrl);
      await answer(/billing's test command \(e\.g\. npm test; Enter to skip\):$/, 'sh test.sh');
      await answer(/billing's deploy command \(Enter to skip\):$/, 'sh deploy.sh');
      await answer(/billing's rollback command \(Enter to skip\):$/, '');
      await term.expect(/^✓ \.env {9}wrote \.env \(mode 600\)\n\nNext: npx aurea start, then:\nSend "\/start [2-9A-HJKMNP-Z]{8}" to @aurea_test_bot/m);
      expect(parse(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).services).toEqual({ billing: { repo: 'billing', test: 'sh test.sh', deploy: 'sh deploy.sh', health: service.healthUrl } });
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`TELEGRAM_BOT_TOKEN=${telegram.token}\n`);
      expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    } finally {
      term.kill();
    }

    // Again: Enter keeps what .env holds; the config gains a service with consent; .env is kept on "n".
    const envBefore = readFileSync(join(dir, '.env'), 'utf8');
    const again = new Terminal(dir, [process.execPath, resolve('src/cli/bin.js'), 'init'], null, { PATH: process.env.PATH!, HOME: dir, REDIS_URL, AUREA_REDIS_PREFIX: prefix });
    try {
      const answer = async (question: RegExp, text: string) => {
        await again.expect(question, 0, 15_000);
        const mark = again.screen().length;
        again.type(text);
        await again.expect(/\S/, mark);
      };
      await answer(/Telegram bot token from @BotFather \(Enter to skip\) \[\d{6}…\]:$/, '');
      await answer(/Slack bot token xoxb-… \(Enter to skip\):$/, '');
      await answer(/Anthropic API key \(Enter to skip\) \[sk-ant…\]:$/, '');
      await answer(/OpenAI API key \(Enter to skip\):$/, '');
      await answer(/its name \(Enter to skip\):$/, 'payments');
      await answer(/Path of payments's git checkout:$/, './billing');
      for (const q of [/health URL \(Enter to skip\):$/, /test command \(e\.g\. npm test; Enter to skip\):$/, /deploy command \(Enter to skip\):$/, /rollback command \(Enter to skip\):$/]) await answer(q, '');
      await answer(/aurea\.config\.yaml exists: add or update the service payments in it\? \[y\/N\]:$/, 'y');
      await answer(/\.env exists: update it with these answers \(other lines are kept\)\? \[y\/N\]:$/, 'n');
      await again.expect(/^- \.env {9}kept \.env as it is$/m);
    } finally {
      again.kill();
    }
    expect(Object.keys(parse(readFileSync(join(dir, 'aurea.config.yaml'), 'utf8')).services)).toEqual(['billing', 'payments']);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(envBefore);
  }, 60_000);
});
