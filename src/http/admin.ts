/**
 * The admin token (ADMIN_TOKEN): what a request must present to see AUREA's insides (the queue
 * dashboard, /health's details). Presented as `Authorization: Bearer <token>`, or as the password
 * of HTTP basic auth (any user name; RFC 7617), so a browser can open the dashboard.
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
 * Whether `req` carries the admin token (compared in constant time).
 * @param adminToken ADMIN_TOKEN; undefined means nobody is admitted
 */
export function presentsAdminToken(req: Pick<IncomingMessage, 'headers'>, adminToken: string | undefined): boolean {
  const token = presented(req.headers.authorization);
  return Boolean(adminToken && token && sameSecret(token, adminToken));
}
