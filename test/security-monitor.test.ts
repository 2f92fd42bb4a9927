/**
 * security-monitor: new dependency advisories (an `npm audit --json` report replayed through
 * `auditCommand`, since the registry here has no audit endpoint), a TLS certificate near expiry
 * (a real HTTPS server with an openssl-made certificate valid 10 more days), and a spike of refused
 * strangers (real Telegram messages from 25 strangers). Each alerts once; a second run adds nothing.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

describe('security-monitor', () => {
  let h: Harness;
  let tls: Server;
  const certDir = mkdtempSync(join(tmpdir(), 'aurea-cert-'));
  const messages = () => h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
  const runs = () => h.query<{ status: string; summary: string }>(`SELECT status, output->>'summary' AS summary FROM ai_agent_executions WHERE agent_name = 'security-monitor' AND status <> 'running' ORDER BY id`);

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '10', '-subj', '/CN=shop.example.test', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
    tls = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    h = await Harness.create({
      securityMonitorYaml: 'every: 1h\nauditCommand: cat audit.json',
      extraServicesYaml: `shop:\n  repo: ./billing\n  test: "true"\n  deploy: "true"\n  health: https://127.0.0.1:${(tls.address() as AddressInfo).port}/health`,
    });
    writeFileSync(join(h.repo.dir, 'package-lock.json'), JSON.stringify({ name: 'billing', lockfileVersion: 3, packages: {} }));
    copyFileSync(new URL('./fixtures/npm-audit/report-v2.json', import.meta.url), join(h.repo.dir, 'audit.json'));
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    tls?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('alerts on new advisories, a certificate near expiry and a spike of refused strangers; a second run adds nothing', async () => {
    await h.until(async () => (await runs()).length >= 1, 20_000, 'the first run (a new schedule runs at once)');
    for (let i = 0; i < 25; i++) h.telegram.pushUpdate(textUpdate({ id: 3_000_000 + i, first_name: `Mallory${i}` }, 'let me in'));
    await h.until(async () => (await h.query(`SELECT 1 FROM audit_log WHERE action = 'access.refused'`)).length >= 25, 20_000, '25 refusals audited');

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run security-monitor'));
    await h.until(async () => (await runs()).length >= 2, 20_000, 'the /run');
    await h.telegram.waitFor(() => messages().some((t) => t.includes('strangers were refused')), 10_000, 'the strangers alert');

    const advisories = messages().filter((t) => t.includes('new security advisor'));
    // Billing and shop share a repo here: each service is told once.
    expect(advisories).toEqual([
      '🔴 billing has 2 new security advisories in its dependencies:\n• minimist: Prototype Pollution in minimist (critical, GHSA-xvch-5gv4-984h https://github.com/advisories/GHSA-xvch-5gv4-984h)\n• minimist: Prototype Pollution in minimist (moderate, GHSA-vh95-rmgr-6w4m https://github.com/advisories/GHSA-vh95-rmgr-6w4m)',
      '🔴 shop has 2 new security advisories in its dependencies:\n• minimist: Prototype Pollution in minimist (critical, GHSA-xvch-5gv4-984h https://github.com/advisories/GHSA-xvch-5gv4-984h)\n• minimist: Prototype Pollution in minimist (moderate, GHSA-vh95-rmgr-6w4m https://github.com/advisories/GHSA-vh95-rmgr-6w4m)',
    ]);
    expect(messages().filter((t) => t.includes('TLS certificate'))).toEqual([expect.stringMatching(/^🟠 shop's TLS certificate \(shop\.example\.test\) expires in 9 days, on \d{4}-\d\d-\d\d\. Renew it\.$/)]);
    expect(messages().filter((t) => t.includes('strangers were refused'))).toEqual([
      expect.stringMatching(/^🟠 25 messages from strangers were refused in the last hour \(usually 0\.0 an hour\)\. Someone may be probing the bot; audit_log has who\.$/),
    ]);

    const before = messages().length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run security-monitor'));
    // The third run has ended (runs() counts finished ones); its alerts would be out once AUREA settles: none.
    await h.until(async () => (await runs()).length >= 3, 20_000, 'a third run');
    await h.settled();
    expect(messages().slice(before).filter((t) => !t.startsWith('▶ security-monitor queued'))).toEqual([]);
    expect((await runs()).at(-1)).toMatchObject({ status: 'succeeded', summary: expect.stringMatching(/^billing: 2 advisories, 0 new; shop: 2 advisories, 0 new; shop: certificate valid 9 more days; 25 strangers refused/) });
  });
});
