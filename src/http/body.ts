import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { sendJson } from './json.js';
import type { RouteHandler } from './server.js';

/** What a webhook route accepts. */
export interface BodyRules {
  /** Media types accepted (`application/json`, `application/x-www-form-urlencoded`); others get 415. */
  types: readonly string[];
  /** Largest body in bytes; larger ones get 413 before they are read. Default 1 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX = 1024 * 1024;

function refuse(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error }, { connection: 'close' });
}

/** Reads a body up to `max` bytes. @returns the bytes, or null when it is larger (reading stops) */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Whether the body parses as its media type says (for forms: a `payload` field must hold JSON, as Slack's interactivity posts do). */
function wellFormed(type: string, body: Buffer): boolean {
  try {
    if (type === 'application/json') JSON.parse(body.toString('utf8'));
    else if (type === 'application/x-www-form-urlencoded') {
      const payload = new URLSearchParams(body.toString('utf8')).get('payload');
      if (payload !== null) JSON.parse(payload);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Guards a webhook route (Telegram's, Slack's) before the SDK sees the request: a wrong content type
 * → 415, a body over the limit → 413, malformed JSON → 400, each answered at once and changing
 * nothing. A good request is handed on with its body buffered: replayed as a stream (grammY reads
 * the stream) and as `rawBody` (Bolt uses a buffered body when it finds one).
 */
export function guardBody(handler: RouteHandler, rules: BodyRules): RouteHandler {
  const max = rules.maxBytes ?? DEFAULT_MAX;
  return async (req, res) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!rules.types.includes(type)) return refuse(res, 415, `expected ${rules.types.join(' or ')}`);
    if (Number(req.headers['content-length'] ?? 0) > max) return refuse(res, 413, `body over ${max} bytes`);
    const body = await readBody(req, max);
    if (body === null) return refuse(res, 413, `body over ${max} bytes`);
    if (!wellFormed(type, body)) return refuse(res, 400, 'malformed body');
    const replay = Object.assign(Readable.from([body]), {
      headers: req.headers,
      method: req.method,
      url: req.url,
      socket: req.socket,
      rawBody: body,
    });
    return handler(replay as unknown as IncomingMessage, res);
  };
}
