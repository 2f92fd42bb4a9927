/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed by test/run.sh) as a
 * child process, its webhook receiver pointed at AUREA's `POST /webhooks/alertmanager` with the
 * bearer token, grouping by service with short waits. Tests post alerts to its API
 * (`POST /api/v2/alerts`) and AUREA receives the payloads Alertmanager itself builds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export class Alertmanager {
  output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** @param webhook AUREA's /webhooks/alertmanager URL */
  static async start(webhook: string, token: string): Promise<Alertmanager> {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-alertmanager-'));
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      `route:
  receiver: aurea
  group_by: [service]
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: aurea
    webhook_configs:
      - url: ${webhook}
        send_resolved: true
        http_config:
          authorization: { credentials: ${token} }
`,
    );
    const port = await freePort();
    const child = spawn('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'pipe', 'pipe'] });
    const am = new Alertmanager(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${am.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return am;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`alertmanager did not start:\n${am.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Posts alerts to Alertmanager's API (as Prometheus would); `resolved` ones get an end time in the past. */
  async post(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; generatorURL?: string; resolved?: boolean }>): Promise<void> {
    const body = alerts.map((a) => ({ labels: a.labels, annotations: a.annotations ?? {}, generatorURL: a.generatorURL ?? 'http://prometheus.example/graph?g0.expr=up', ...(a.resolved ? { endsAt: new Date(Date.now() - 1000).toISOString() } : {}) }));
    const res = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
