import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small real HTTP service whose GET /health answers 200 or 503 as the test flips it. */
export class FakeService {
  healthy = true;
  hits = 0;
  /** 503 answers given so far. */
  failedRequests = 0;
  /** GET /slow-health answers 200 after this many ms (a service slow to answer). */
  slowMs = 0;
  /** Requests to /slow-health so far. */
  slowHits = 0;
  /** The commit /health reports as `sha` (a platform that deploys on merge), if any. */
  version: string | undefined;
  private failures = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeService> {
    let svc!: FakeService;
    const server = createServer((req, res) => {
      svc.hits++;
      if (req.url === '/slow-health') {
        svc.slowHits++;
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"status":"ok"}');
        }, svc.slowMs);
        return;
      }
      const failOnce = svc.failures > 0;
      if (failOnce) svc.failures--;
      if (req.url === '/health' && svc.healthy && !failOnce) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', ...(svc.version ? { sha: svc.version } : {}) }));
      } else {
        svc.failedRequests++;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"status":"down"}');
      }
    });
    svc = new FakeService(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return svc;
  }

  /** The next `n` requests answer 503 whatever `healthy` says (a blip). */
  failNext(n: number): void {
    this.failures = n;
  }

  /** The URL of the slow health endpoint. */
  get slowHealthUrl(): string {
    return this.healthUrl.replace(/\/health$/, '/slow-health');
  }

  get healthUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/health`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
