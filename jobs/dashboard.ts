/**
 * The queue dashboard: Bull Board (`@bull-board/api` + its Express adapter) for every BullMQ queue at
 * `/admin/queues`, behind ADMIN_TOKEN: HTTP basic auth with the token as the password (any user
 * name), or `Authorization: Bearer <token>`. Without the token, or without ADMIN_TOKEN set, 401.
 * Read-only unless ADMIN_QUEUES_WRITE=true: Bull Board's `readOnlyMode` answers every call that
 * would add, retry, promote, clean or remove a job with 405, so a leaked admin token shows the
 * queues but cannot put work on them (a forged graph job, a replayed deploy).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';
import { presentsToken } from '../src/http/admin.js';
import type { RouteHandler } from '../src/http/server.js';

/** Where the dashboard is served. */
export const DASHBOARD_PATH = '/admin/queues';

/**
 * @param adminToken ADMIN_TOKEN, or undefined (then every request is refused, saying why)
 * @param write ADMIN_QUEUES_WRITE: the dashboard may change jobs (default false: read-only)
 * @returns the handler for every request under /admin/queues. Bull Board and Express are loaded on
 *   the first request that presents the token (they are a noticeable part of start-up otherwise).
 */
export function queueDashboard(queues: readonly Queue[], adminToken: string | undefined, write = false): RouteHandler {
  let board: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const load = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }, { default: express }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
      import('express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !write })), serverAdapter, options: { uiConfig: { boardTitle: 'AUREA queues' } } });
    const app = express();
    app.disable('x-powered-by');
    app.use(DASHBOARD_PATH, serverAdapter.getRouter());
    return app;
  };
  return async (req, res) => {
    if (!presentsToken(req, adminToken)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="AUREA queues", charset="UTF-8"' });
      res.end(adminToken ? 'The queue dashboard needs the admin token (basic auth password or Bearer token).\n' : 'The queue dashboard is off: set ADMIN_TOKEN to turn it on.\n');
      return;
    }
    (await (board ??= load()))(req, res);
  };
}
