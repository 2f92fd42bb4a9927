import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { runCommand } from '../src/shell/run.js';

const TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijklmn';

describe('secrets stay out of logs and child processes', () => {
  it('scrubs configured secrets and bot-token shapes from every log field', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', ['s3cr3t-redis-pass'], sink);
    log.error({ err: new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`), url: 'redis://:s3cr3t-redis-pass@host' }, `token ${TOKEN}`);
    log.info({ token: 'plain-value', nested: { token: 'x' } }, 'object keys');
    const out = lines.join('');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('s3cr3t-redis-pass');
    expect(out).not.toContain('plain-value');
    expect(out).toContain('[redacted]');
    expect(JSON.parse(lines[0]!).msg).toBe('token [redacted]');
  });

  it('runs service scripts without secret environment variables and scrubs their output', async () => {
    process.env.TELEGRAM_BOT_TOKEN = TOKEN;
    process.env.STRIPE_SECRET_KEY = 'sk_test_123';
    try {
      const r = await runCommand('env | grep -E "TOKEN|SECRET" | wc -l; echo "leak: my-db-password"', {
        cwd: process.cwd(),
        timeoutMs: 5_000,
        secrets: ['my-db-password'],
      });
      expect(r.exitCode).toBe(0);
      expect(r.tail).toBe('0\nleak: [redacted]');
    } finally {
      delete process.env.TELEGRAM_BOT_TOKEN;
      delete process.env.STRIPE_SECRET_KEY;
    }
  });

  it('kills a command that runs past its timeout', async () => {
    const r = await runCommand('echo started; sleep 30', { cwd: process.cwd(), timeoutMs: 300, secrets: [] });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, tail: 'started' });
    expect(r.durationMs).toBeLessThan(5_000);
  });
});
