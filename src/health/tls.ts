import { connect } from 'node:tls';
import { describeError } from '../errors.js';

/** A server certificate's expiry, as read from a TLS handshake. */
export type CertExpiry = { ok: true; validTo: Date; daysLeft: number; subject: string } | { ok: false; error: string };

/**
 * Connects to an `https:` URL's host and port and reads the certificate it presents (trusted or
 * not: only the expiry is read), then closes.
 * @returns the certificate's `valid_to` and the days left (negative once expired), or why it failed
 */
export function certificateExpiry(url: string, timeoutMs = 5_000, now = new Date()): Promise<CertExpiry> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 443), servername: /^[\d.:]+$/.test(u.hostname) ? undefined : u.hostname, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert?.valid_to) return resolve({ ok: false, error: 'no certificate presented' });
      const validTo = new Date(cert.valid_to);
      resolve({ ok: true, validTo, daysLeft: (validTo.getTime() - now.getTime()) / 86_400_000, subject: String(cert.subject?.CN ?? u.hostname) });
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve({ ok: false, error: `no TLS handshake within ${timeoutMs}ms` });
    });
    socket.on('error', (err) => resolve({ ok: false, error: describeError(err) }));
  });
}
