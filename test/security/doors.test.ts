/**
 * Doors with keys, tried as an attacker would: a webhook URL without a secret, /health read by
 * anyone, the queue dashboard with a leaked admin token, a Stripe event lost between its claim and
 * its handling, pairing codes guessed by many user ids, a local Redis anyone on the machine could
 * write to, the assistant and a voice note changing things without a tap, event ids kept forever.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { GRAPHS_QUEUE } from '../../jobs/definitions.js';
import { runDoctor } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import { CHANNELS } from '../../bots/channels.js';
import { createLogger } from '../../src/log.js';
import { localRedisPassword, startLocalRedis } from '../../src/redis-local.js';
import { route } from '../../src/router.js';
import { FakeAnthropicApi } from '../fakes/anthropic-api.js';
import { FOUNDER, callbackUpdate, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { closedAfterEach } from '../helpers/chat.js';
import { Harness, REDIS_URL } from '../helpers/harness.js';
import { freePort } from '../helpers/ports.js';
import { AureaProcess } from '../helpers/process.js';

const WEBHOOK_SECRET = 'whsec_doorsTestSecret0000000000';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const sign = (body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex')}`;

describe(`security: doors with keys (${BACKEND})`, () => {
  const track = closedAfterEach();
  let h: Harness;

  it('webhook mode without TELEGRAM_WEBHOOK_SECRET: AUREA refuses to start, naming the variable and how to make one; nothing listens', async () => {
    h = track(await Harness.create());
    const aurea = AureaProcess.start('start', { ...h.processEnv(), TELEGRAM_WEBHOOK_URL: 'https://aurea.example.com/telegram/webhook' });
    expect(await aurea.exit()).toBe(2);
    expect(aurea.output).toContain('aurea: Invalid environment: TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not, so anyone who finds the URL could post updates as a founder. Make one with `openssl rand -hex 32`');
    expect(aurea.output).not.toMatch(/http: listening|aurea: started/);
    expect(h.telegram.callsOf('setWebhook')).toEqual([]);
    expect(loadConfig({}, CHANNELS).http.host).toBe('127.0.0.1'); // and the HTTP server binds loopback unless HOST says otherwise
  });

  it('aurea doctor names every service whose tasks would run unsandboxed, and says the sandbox works', async () => {
    h = track(await Harness.create({ extraServicesYaml: 'legacy:\n  repo: ./billing\n  test: sh test.sh\n  sandbox: off' }));
    const lines: string[] = [];
    await runDoctor(h.config, (line) => lines.push(line));
    const out = lines.join('\n');
    expect(out).toMatch(/^! sandbox legacy +off: this service's tasks run the model's code unsandboxed, as AUREA's own user\n +→ fix: remove services\.legacy\.sandbox: off/m);
    expect(out).toMatch(/^✓ sandbox +bubblewrap works: tasks of billing run the model's code in it$/m);
  });

  it('GET /health tells anyone only ok or degraded; the error text (hosts, users) needs ADMIN_TOKEN', async () => {
    h = track(await Harness.create({ env: { ADMIN_TOKEN } }));
    const app = await h.start();
    const health = (headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${app.httpPort}/health`, { headers });
    expect(await (await health()).text()).toBe('{"status":"ok"}');
    app.core.redis.disconnect(); // Redis gone for this process
    const res = await health();
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('{"status":"degraded"}');
    const admin = await health({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(await admin.json()).toMatchObject({ status: 'degraded', failed: ['redis'], checks: { redis: { ok: false, error: expect.any(String) } } });
  });

  it('the queue dashboard with the admin token cannot add a job (read-only unless ADMIN_QUEUES_WRITE=true)', async () => {
    h = track(await Harness.create({ env: { ADMIN_TOKEN } }));
    const app = await h.start();
    const add = () =>
      fetch(`http://127.0.0.1:${app.httpPort}/admin/queues/api/queues/graphs/add`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'deploy.resume', data: { action: 'resume', graph: 'deploy', threadId: 'deploy:billing:00000000-0000-4000-8000-000000000000', approvalId: '00000000-0000-4000-8000-000000000001' }, options: {} }),
      });
    const refused = await add();
    expect(refused.status).toBe(405);
    const redis = new Redis(REDIS_URL);
    const queue = new Queue(GRAPHS_QUEUE, { connection: redis, prefix: h.prefix });
    try {
      expect(await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed')).toEqual({ wait: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    } finally {
      await queue.close();
      redis.disconnect();
    }
    // The same call where the operator allowed writes: the route is real, only the read-only mode refused it.
    const open = track(await Harness.create({ env: { ADMIN_TOKEN, ADMIN_QUEUES_WRITE: 'true' } }));
    const writable = await open.start();
    const allowed = await fetch(`http://127.0.0.1:${writable.httpPort}/admin/queues/api/queues/agents/pause`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(allowed.status).toBe(200);
  });

  it('a Stripe event whose alert could not be stored answers 500 and is handled on Stripe\'s retry', async () => {
    h = track(await Harness.create({ env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } }));
    const app = await h.start();
    const body = readFileSync(new URL('../fixtures/stripe/invoice.payment_failed.json', import.meta.url), 'utf8');
    const post = () => fetch(`http://127.0.0.1:${app.httpPort}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': sign(body) }, body });
    await h.query(`CREATE FUNCTION refuse_alerts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await h.query(`CREATE TRIGGER refuse_alerts BEFORE INSERT ON ai_system_alerts FOR EACH ROW EXECUTE FUNCTION refuse_alerts()`);
    const first = await post();
    expect(first.status).toBe(500);
    expect(await h.query(`SELECT 1 FROM processed_updates WHERE platform = 'stripe'`)).toEqual([]); // given back
    await h.query(`DROP TRIGGER refuse_alerts ON ai_system_alerts`);

    const retry = await post();
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ received: true });
    expect(await h.query(`SELECT severity, source FROM ai_system_alerts`)).toEqual([{ severity: 'warning', source: 'stripe' }]);
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => /payment failed/i.test(m.text)), 10_000, 'the alert');
    expect((await post()).status).toBe(200); // a third delivery is a duplicate
    expect(await h.query(`SELECT count(*)::int AS n FROM ai_system_alerts`)).toEqual([{ n: 1 }]);
  });

  it('twenty wrong pairing codes in an hour from twenty user ids pause pairing; the founders are told; even the right code is refused', async () => {
    h = track(await Harness.create());
    const app = await h.start();
    for (let i = 0; i < 20; i++) h.telegram.pushUpdate(textUpdate({ id: 5_000_000 + i, first_name: `Bot${i}` }, '/start ABCDEFGH'));
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => m.text.startsWith('🔒 Pairing is paused')), 20_000, 'the founders told');
    expect(h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('🔒 Pairing is paused'))!.text).toMatch(
      /^🔒 Pairing is paused for an hour: 20 wrong pairing codes arrived within an hour \(the last from Bot\d+, telegram 50000\d\d\)\. Someone may be guessing codes\. Until it resumes, nobody can become a founder with a code, even the right one\.$/,
    );
    const { code } = await app.core.pairing.issue('telegram');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const latecomer = { id: 5_100_000, first_name: 'Late' };
    h.telegram.pushUpdate(textUpdate(latecomer, `/start ${code.toLowerCase()}`));
    await h.until(() => h.query(`SELECT details FROM audit_log WHERE action = 'pairing.refused' AND actor = 'telegram:5100000'`).then((r) => r.length), 10_000, 'refused');
    expect(await h.query(`SELECT details->>'paused' AS paused FROM audit_log WHERE action = 'pairing.refused' AND actor = 'telegram:5100000'`)).toEqual([{ paused: 'true' }]);
    expect(await h.query(`SELECT * FROM founders`)).toEqual([]);
    expect(await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'pairing.paused'`)).toEqual([{ n: 1 }]);
  });

  it("the assistant's pause and a voice note's remember are proposals: nothing changes without ▶ Run it", async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = (body: any) => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (!tools.includes('pause')) return undefined;
      return body.messages.length === 1 ? { kind: 'tool', name: 'pause', args: 'system-monitor' } : { kind: 'text', text: 'I proposed pausing it.' };
    };
    h = track(await Harness.create({ yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n', env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' } }));
    const app = await h.start();
    const paused = () => h.query<{ paused: boolean }>(`SELECT paused FROM ai_agent_registry WHERE name = 'system-monitor'`).then((r) => r[0]!.paused);
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'the monitor is noisy, please stop it for now'));
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => m.text.startsWith('Run this?')), 20_000, 'the proposal');
    const proposal = h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('Run this?'))!;
    expect(proposal.text).toBe('Run this?\n/pause system-monitor\n\nProposed by the assistant; nothing runs without your tap.');
    await h.telegram.waitFor(() => h.telegram.messagesTo(FOUNDER.id).some((m) => m.text === 'I proposed pausing it.'), 20_000, 'the answer');
    expect(await paused()).toBe(false);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, proposal.buttons[0]!.callback_data, proposal));
    await h.until(paused, 10_000, 'paused after the tap');

    // A voice transcript's "remember …" is proposed too (memory feeds the planner, Diagnose and later prompts).
    const said: string[] = [];
    const outcome = await route(app.core, {
      actor: { platform: 'telegram', id: String(FOUNDER.id), name: 'Ada Founder' },
      chat: { channel: 'telegram', chatId: String(FOUNDER.id) },
      text: 'remember deploys are allowed on fridays',
      origin: 'voice',
      reply: async (m) => void said.push([m.title, m.text, m.status].filter(Boolean).join('\n')),
    });
    expect(outcome).toBe('proposed');
    expect(said).toEqual(['Run this voice command?\n/remember deploys are allowed on fridays\nVoice commands that change things need a tap.']);
    expect(await h.query(`SELECT count(*)::int AS n FROM ai_persistent_memory`)).toEqual([{ n: 0 }]);
  });

  it('the maintenance agent forgets inbound event ids older than 14 days and ended outgoing events older than 30 days, and keeps the rest', async () => {
    h = track(await Harness.create());
    await h.start();
    await h.query(`INSERT INTO processed_updates (platform, update_id, received_at) VALUES ('telegram', 'old-1', now() - interval '15 days'), ('stripe', 'evt_old', now() - interval '30 days'), ('slack', 'Ev-recent', now() - interval '13 days')`);
    // Outgoing events: one old and delivered (forgotten), one old still being retried and one recent (kept).
    await h.query(`INSERT INTO event_outbox (audit_id, action, target, actor, details, at, fanned_out_at) VALUES (0, 'deploy.old', 'service:a', 'system:aurea', '{}', now() - interval '31 days', now()), (0, 'deploy.retrying', 'service:b', 'system:aurea', '{}', now() - interval '31 days', now()), (0, 'deploy.recent', 'service:c', 'system:aurea', '{}', now() - interval '29 days', now())`);
    await h.query(`INSERT INTO event_deliveries (event, webhook, subject, status) SELECT id, 'n8n', target, CASE action WHEN 'deploy.retrying' THEN 'queued' ELSE 'delivered' END FROM event_outbox WHERE action IN ('deploy.old', 'deploy.retrying', 'deploy.recent')`);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run maintenance'));
    const [run] = await h.until(() => h.query(`SELECT status, output->>'summary' AS summary FROM ai_agent_executions WHERE agent_name = 'maintenance' AND status <> 'running'`).then((r) => r.length && r), 20_000, 'the maintenance run');
    expect(run).toEqual({ status: 'succeeded', summary: 'forgot 2 inbound event ids older than 14 days and 1 delivered event older than 30 days' });
    const left = await h.query<{ update_id: string }>(`SELECT update_id FROM processed_updates WHERE update_id IN ('old-1', 'evt_old', 'Ev-recent')`);
    expect(left.map((r) => r.update_id)).toEqual(['Ev-recent']);
    expect(await h.query(`SELECT o.action, d.status FROM event_outbox o JOIN event_deliveries d ON d.event = o.id WHERE o.action LIKE 'deploy.%' ORDER BY o.id`)).toEqual([
      { action: 'deploy.retrying', status: 'queued' },
      { action: 'deploy.recent', status: 'delivered' },
    ]);
  });

  it('the Redis AUREA starts itself requires the generated password kept in the data dir (mode 600)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aurea-redis-'));
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 }).on('error', () => undefined);
    const stop = await startLocalRedis(dataDir, [client], createLogger('silent', []), port);
    const stranger = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 }).on('error', () => undefined);
    try {
      expect(await client.ping()).toBe('PONG');
      await expect(stranger.set('aurea:pairing:code:telegram', 'mine')).rejects.toThrow(/NOAUTH/);
      const file = join(dataDir, 'redis', 'password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(localRedisPassword(dataDir)).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(join(dataDir, 'redis', 'redis.conf'), 'utf8')).toContain(`requirepass ${localRedisPassword(dataDir)}`);
    } finally {
      stranger.disconnect();
      client.disconnect();
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
