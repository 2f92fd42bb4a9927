/**
 * The tokens AUREA's HTTP routes check: the admin token (ADMIN_TOKEN: AUREA's insides, the queue
 * dashboard, /health's details, the event stream), MCP_TOKEN and ALERTS_TOKEN. Presented as
 * `Authorization: Bearer <token>`, or as the password of HTTP basic auth (any user name; RFC 7617),
 * so a browser can open the dashboard.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: a Bearer token, or a basic-auth password; null when none. */
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
 * Whether `req` carries `expected` (compared in constant time): ADMIN_TOKEN for AUREA's insides,
 * and the same check for the other bearer tokens (MCP_TOKEN, ALERTS_TOKEN).
 * @param expected the token; undefined means nobody is admitted
 */
export function presentsToken(req: Pick<IncomingMessage, 'headers'>, expected: string | undefined): boolean {
  const token = presented(req.headers.authorization);
  return Boolean(expected && token && sameSecret(token, expected));
}
