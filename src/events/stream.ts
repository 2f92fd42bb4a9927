/**
 * `GET /events/stream`: AUREA's events as they happen, as Server-Sent Events (WHATWG HTML, "Server-
 * sent events"): each event is `id: <event id>`, `event: <CloudEvents type>`, `data: <the
 * structured CloudEvent JSON>`. Behind ADMIN_TOKEN (401 otherwise). `?types=deploy.*,task.*`
 * filters like `events.webhooks[].types`; a reconnect with `Last-Event-ID` resumes after that event,
 * else the stream starts with what happens next (`?last=N` first replays the newest N, at most 100).
 * `aurea events tail` (src/cli/events.ts) reads it. The outbox is read every 500 ms; a comment line
 * every 15 s keeps proxies from closing an idle stream.
 */
import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { presentsToken } from '../http/admin.js';
import { sendJson } from '../http/json.js';
import type { RouteHandler } from '../http/server.js';
import { typeMatcher } from './config.js';
import { cloudEventOf, type OutboxEvent } from './envelope.js';
import { EventOutbox } from './outbox.js';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

/** @returns the route, and close(): ends every open stream (before the HTTP server closes, which waits for them) */
export function eventStreamRoute(deps: { db: pg.Pool; instance: string }, adminToken: string | undefined): { route: RouteHandler; close(): void } {
  const outbox = new EventOutbox(deps.db);
  const open = new Set<ServerResponse>();
  const route: RouteHandler = async (req, res) => {
    if (!presentsToken(req, adminToken)) return sendJson(res, 401, { error: adminToken ? 'Authorization: Bearer <ADMIN_TOKEN> is required' : 'set ADMIN_TOKEN to open the event stream' });
    const query = new URL(req.url ?? '/', 'http://aurea').searchParams;
    const types = (query.get('types') ?? '*').split(',').map((t) => t.trim()).filter(Boolean);
    let match: RegExp;
    try {
      match = typeMatcher(types.map((t) => t.replace(/^com\.aurea\./, '')));
    } catch (err) {
      return sendJson(res, 400, { error: `types: ${(err as Error).message}` });
    }
    const last = Math.min(100, Math.max(0, Number(query.get('last') ?? 0) || 0));
    const resumeFrom = req.headers['last-event-id'];
    let cursor: string | null = typeof resumeFrom === 'string' ? await outbox.sequenceOf(resumeFrom) : null;
    let backlog = cursor === null && last > 0 ? await outbox.after(null, last) : [];
    if (cursor === null) cursor = (await outbox.newest()) ?? '0';
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': AUREA events\n\n');
    open.add(res);
    let lastWrite = Date.now();
    const send = async (rows: readonly OutboxEvent[]) => {
      for (const row of rows) {
        if (!match.test(row.action)) continue;
        const event = await cloudEventOf(row, deps.instance);
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        lastWrite = Date.now();
      }
    };
    await send(backlog);
    backlog = [];
    while (open.has(res) && !res.destroyed) {
      const rows: OutboxEvent[] = await outbox.after(cursor, 100).catch(() => []);
      if (rows.length) {
        await send(rows);
        cursor = rows.at(-1)!.id;
        continue;
      }
      if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await new Promise((r) => setTimeout(r, POLL_MS).unref());
    }
    open.delete(res);
    res.end();
  };
  return {
    route,
    close() {
      for (const res of open) res.end();
      open.clear();
    },
  };
}
