import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/cli/doctor.js';
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { telegramSettings } from '../bots/telegram/settings.js';
import { selfHealth } from '../src/http/health.js';
import { createHttpServer, listen } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { createRedis } from '../src/redis.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { Harness } from './helpers/harness.js';

describe('HTTP, webhook mode and doctor', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('GET /health is 200 ok when the database and Redis answer, 503 degraded otherwise; what failed only with ADMIN_TOKEN', async () => {
    const adminToken = 'admin-token-0123456789abcdef';
    h = await Harness.create({ env: { ADMIN_TOKEN: adminToken } });
    const app = await h.start();
    const admin = { authorization: `Bearer ${adminToken}` };
    const res = await fetch(`http://127.0.0.1:${app.httpPort}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const detailed = await fetch(`http://127.0.0.1:${app.httpPort}/health`, { headers: admin });
    expect(await detailed.json()).toMatchObject({ status: 'ok', failed: [], checks: { database: { ok: true }, redis: { ok: true } } });

    const deadRedis = createRedis('redis://127.0.0.1:1', 'app');
    const server = createHttpServer({
      log: createLogger('silent', []),
      metrics: app.core.metrics,
      routes: new Map(),
      health: () => selfHealth(app.core.db, deadRedis),
      adminToken,
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const bad = await fetch(`http://127.0.0.1:${port}/health`);
      expect(bad.status).toBe(503);
      expect(await bad.text()).toBe('{"status":"degraded"}'); // no error text (hosts, users) for anyone
      const badDetailed = await fetch(`http://127.0.0.1:${port}/health`, { headers: admin });
      expect(badDetailed.status).toBe(503);
      expect(await badDetailed.json()).toMatchObject({ status: 'degraded', failed: ['redis'], checks: { database: { ok: true }, redis: { ok: false, error: expect.any(String) } } });
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      server.close();
      deadRedis.disconnect();
    }
  });

  it('GET /metrics counts updates, commands, alerts, deploys and job runs in Prometheus text', async () => {
    h = await Harness.create();
    const app = await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/status'));
    await h.telegram.nthMessage(FOUNDER.id, 1);
    const scrape = () => fetch(`http://127.0.0.1:${app.httpPort}/metrics`);
    expect((await scrape()).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // The command is counted once its handler returns, just after the reply went out.
    const text = await h.until(async () => {
      const t = await (await scrape()).text();
      return /aurea_commands_total\{command="status"/.test(t) && t;
    });
    expect(text).toMatch(/^aurea_updates_handled_total\{platform="telegram",outcome="handled"\} 1$/m);
    expect(text).toMatch(/^aurea_commands_total\{command="status",outcome="ok"\} 1$/m);
    for (const name of ['aurea_alerts_sent_total', 'aurea_alert_deliveries_total', 'aurea_deploys_total', 'aurea_job_runs_total']) expect(text).toContain(`# TYPE ${name} counter`);
    expect(text).toContain('# TYPE aurea_job_run_duration_seconds histogram');
  });

  it('the queue dashboard (Bull Board) at /admin/queues: 401 without ADMIN_TOKEN, the board and its queues with it', async () => {
    const token = 'admin-token-0123456789abcdef';
    h = await Harness.create({ env: { ADMIN_TOKEN: token } });
    const app = await h.start();
    const base = `http://127.0.0.1:${app.httpPort}/admin/queues`;
    const bare = await fetch(base);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Basic realm="AUREA queues"/);
    expect((await fetch(base, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${base}/api/queues`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } })).status).toBe(401);

    const page = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<title>AUREA queues<\/title>/);
    const api = await fetch(`${base}/api/queues`, { headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` } });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string }> };
    expect(queues.map((q) => q.name).sort()).toEqual(['agents', 'events', 'graphs', 'tools']);
    expect((await fetch(`http://127.0.0.1:${app.httpPort}/admin/queuesX`)).status).toBe(404);
  });

  it('webhook mode: setWebhook with a secret token; POST /telegram/webhook refuses a wrong secret and serves a right one', async () => {
    const secret = 'webhook_secret_0123456789';
    h = await Harness.create({ env: { TELEGRAM_WEBHOOK_URL: 'https://aurea.example.com/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: secret } });
    const app = await h.start();
    const set = await h.telegram.waitFor((c) => c.method === 'setWebhook');
    expect(set.payload).toMatchObject({ url: 'https://aurea.example.com/telegram/webhook', secret_token: secret });
    expect(h.telegram.calls.some((c) => c.method === 'getUpdates')).toBe(false);

    const url = `http://127.0.0.1:${app.httpPort}/telegram/webhook`;
    const body = JSON.stringify({ ...textUpdate(FOUNDER, '/status'), update_id: 7001 });
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' }, body });
    expect(wrong.status).toBe(401);
    expect(await h.query(`SELECT * FROM processed_updates`)).toEqual([]);

    const right = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body });
    expect(right.status).toBe(200);
    expect(await h.telegram.nthMessage(FOUNDER.id, 1)).toMatch(/^AUREA status/);
  });

  it('aurea doctor reports what answers and fails when something required does not', async () => {
    h = await Harness.create();
    const lines: string[] = [];
    expect(await runDoctor(h.config, (l) => lines.push(l))).toBe(0);
    const out = lines.join('\n');
    expect(out).toMatch(BACKEND === 'embedded' ? /✓ database +embedded PGlite in .*, pgvector available/ : /✓ database +postgres postgres:\/\/postgres@127\.0\.0\.1:5432\/aurea_test_\w+, pgvector available/);
    expect(out).toMatch(/✓ redis +redis:\/\/127\.0\.0\.1:6379/);
    expect(out).toMatch(/✓ telegram +@aurea_test_bot via http:\/\/127\.0\.0\.1:\d+, long polling/);
    expect(out).toMatch(/✓ service billing +up \(\d+ ms\)/);

    expect(out).toMatch(/✓ founders telegram +1 configured, 0 paired/);
    expect(out).not.toMatch(/→ fix/);

    // Each failed check says the one thing that fixes it.
    const broken = loadConfig({ ...h.env(), REDIS_URL: 'redis://127.0.0.1:1', FOUNDER_TELEGRAM_IDS: '' }, CHANNELS, h.config.configFile!);
    const bad: string[] = [];
    expect(await runDoctor({ ...broken, channels: { ...broken.channels, telegram: { ...telegramSettings.of(broken), founders: [] } } }, (l) => bad.push(l))).toBe(1);
    expect(bad.join('\n')).toMatch(/✗ redis +Cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*\n +→ fix: start the Redis at redis:\/\/127\.0\.0\.1:1, or unset REDIS_URL to let AUREA start a local one\n/);
    expect(bad.join('\n')).toMatch(/! founders telegram +none yet: nobody can use the bot\n +→ fix: npx aurea pair telegram \(prints a code to send\), or set FOUNDER_TELEGRAM_IDS/);

    // No Redis answers and none is installed (no redis-server on the PATH): the install line.
    const path = process.env.PATH;
    const missing: string[] = [];
    process.env.PATH = '/nonexistent';
    try {
      expect(await runDoctor(broken, (l) => missing.push(l))).toBe(1);
    } finally {
      process.env.PATH = path;
    }
    expect(missing.join('\n')).toMatch(/✗ redis +Cannot reach Redis.*\n +→ fix: apt-get install redis-server \(macOS: brew install redis\); AUREA starts it when REDIS_URL is unset\n/);

    // A revoked token.
    const revoked: string[] = [];
    expect(await runDoctor(loadConfig({ ...h.env(), TELEGRAM_BOT_TOKEN: '123456789:AARevokedToken' }, CHANNELS, h.config.configFile!), (l) => revoked.push(l))).toBe(1);
    expect(revoked.join('\n')).toMatch(/✗ telegram +getMe failed: .*401.*\n +→ fix: the token was revoked or mistyped: copy the current one from @BotFather/);

    // A webhook Telegram cannot reach.
    h.telegram.webhookUrl = 'https://aurea.example.com/telegram/webhook';
    h.telegram.webhookError = 'Connection refused';
    const unreachable: string[] = [];
    const webhookConfig = loadConfig({ ...h.env(), TELEGRAM_WEBHOOK_URL: 'https://aurea.example.com/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: 'a-secret-token-for-tests' }, CHANNELS, h.config.configFile!);
    expect(await runDoctor(webhookConfig, (l) => unreachable.push(l))).toBe(1);
    expect(unreachable.join('\n')).toMatch(/✗ telegram webhook +Telegram cannot deliver to https:\/\/aurea\.example\.com\/telegram\/webhook: Connection refused \(0 updates waiting\)\n +→ fix: make https:\/\/aurea\.example\.com\/telegram\/webhook reach AUREA's POST \/telegram\/webhook on port 0 \(a public https reverse proxy\), or unset TELEGRAM_WEBHOOK_URL for long polling/);

    // The embedded data dir while an AUREA uses it: who holds it, and how to free it.
    if (BACKEND === 'embedded') {
      await h.start();
      const locked: string[] = [];
      await runDoctor(h.config, (l) => locked.push(l));
      expect(locked.join('\n')).toMatch(new RegExp(`! database +embedded, in use by a running AUREA \\(PID ${process.pid}\\)\\n +→ fix: that is fine while it runs; to use this data dir here, stop it first: kill ${process.pid}`));
    }
  });
});
