/**
 * A fake of the one Sentry API endpoint AUREA reads: `GET /api/0/issues/{issue_id}/events/latest/`
 * with `Authorization: Bearer <token>` (docs.sentry.io/api/events/retrieve-the-latest-event-for-an-issue/),
 * answering the documented example event (test/fixtures/sentry/issue-latest-event.json) for known
 * issues, 401 for another token and 404 for other issues, as Sentry does.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export class FakeSentryApi {
  readonly calls: Array<{ path: string; authorized: boolean }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** @param issues the issue ids that have a latest event */
  static async start(token: string, issues: readonly string[]): Promise<FakeSentryApi> {
    const event = readFileSync(join(import.meta.dirname, '../fixtures/sentry/issue-latest-event.json'), 'utf8');
    let fake: FakeSentryApi | undefined;
    const server = createServer((req, res) => {
      const path = req.url ?? '';
      const authorized = req.headers.authorization === `Bearer ${token}`;
      fake!.calls.push({ path, authorized });
      const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (!authorized) return send(401, JSON.stringify({ detail: 'Invalid token' }));
      const m = /^\/api\/0\/issues\/(\d+)\/events\/latest\/$/.exec(path);
      if (req.method !== 'GET' || !m) return send(404, JSON.stringify({ detail: 'The requested resource does not exist' }));
      if (!issues.includes(m[1]!)) return send(404, JSON.stringify({ detail: 'Event not found' }));
      return send(200, event);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    fake = new FakeSentryApi(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return fake;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
