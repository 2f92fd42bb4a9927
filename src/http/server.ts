import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { presentsToken } from './admin.js';
import { sendJson } from './json.js';
import type { HealthReport } from './health.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpDeps {
  log: Logger;
  metrics: Metrics;
  health: () => Promise<HealthReport>;
  /** ADMIN_TOKEN: a request presenting it gets /health's details. */
  adminToken?: string;
  /** Extra routes from adapters: `POST /telegram/webhook` → handler. */
  routes: Map<string, RouteHandler>;
  /** Path prefixes served whole by one handler, any method (`/admin/queues` → the queue dashboard). */
  prefixes?: ReadonlyMap<string, RouteHandler>;
}

/**
 * The shared HTTP server: `GET /health` (200 `{"status":"ok"}` when the database and Redis answer,
 * 503 `{"status":"degraded"}` otherwise; which part failed and its error text only to a request
 * presenting ADMIN_TOKEN, since error text can name hosts and users), `GET /metrics` (Prometheus
 * text format), plus adapter routes and prefixes (the queue dashboard). Unknown paths: 404.
 */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    try {
      if (key === 'GET /health') {
        const report = await deps.health();
        return sendJson(res, report.status === 'ok' ? 200 : 503, presentsToken(req, deps.adminToken) ? report : { status: report.status });
      }
      if (key === 'GET /metrics') {
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
        return res.end(await deps.metrics.registry.metrics());
      }
      const route = deps.routes.get(key);
      if (route) return await route(req, res);
      for (const [prefix, handler] of deps.prefixes ?? []) {
        if (path === prefix || path!.startsWith(`${prefix}/`)) return await handler(req, res);
      }
      if ([...deps.routes.keys()].some((k) => k.endsWith(` ${path}`))) return sendJson(res, 405, { error: 'method not allowed' });
      return sendJson(res, 404, { error: 'not found' });
    } catch (err) {
      deps.log.error({ err, route: key }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
}

/** Listens and resolves with the bound port (useful with port 0 in tests). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
