/**
 * The queue dashboard: Bull Board (`@bull-board/api` + its Express adapter) for every BullMQ queue at
 * `/admin/queues`, behind ADMIN_TOKEN: HTTP basic auth with the token as the password (any user
 * name), or `Authorization: Bearer <token>`. Without the token, or without ADMIN_TOKEN set, 401.
 */
import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { RouteHandler } from '../src/http/server.js';

/** Where the dashboard is served. */
export const DASHBOARD_PATH = '/admin/queues';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: a Bearer token, or a basic-auth password. */
function presented(authorization: string | undefined): string | null {
  const [scheme, value] = (authorization ?? '').split(' ', 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/**
 * @param adminToken ADMIN_TOKEN, or undefined (then every request is refused, saying why)
 * @returns the handler for every request under /admin/queues
 */
export function queueDashboard(queues: readonly Queue[], adminToken: string | undefined): RouteHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'AUREA queues' } } });
  const app = express();
  app.disable('x-powered-by');
  app.use(DASHBOARD_PATH, serverAdapter.getRouter());
  return (req, res) => {
    const token = presented(req.headers.authorization);
    if (!adminToken || !token || !sameSecret(token, adminToken)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="AUREA queues", charset="UTF-8"' });
      res.end(adminToken ? 'The queue dashboard needs the admin token (basic auth password or Bearer token).\n' : 'The queue dashboard is off: set ADMIN_TOKEN to turn it on.\n');
      return;
    }
    app(req, res);
  };
}
