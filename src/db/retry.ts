import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether an error means the connection to Postgres was lost or refused (a server restart, a
 * failover), as opposed to an error of the statement itself. SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now; PostgreSQL docs,
 * Appendix A), and node's socket errors.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && (e.code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e?.message ?? '');
}

/**
 * Runs `fn` again while it fails with a lost connection, waiting 250 ms, 500 ms, … (at most 2 s)
 * between tries, for at most `timeoutMs`. Use it only for statements that are safe to repeat.
 * @throws the last error (a statement error at once; a connection loss after `timeoutMs`)
 */
export async function retryOnConnectionLoss<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionLoss(err) || Date.now() + wait > deadline) throw err;
      await sleep(wait);
    }
  }
}
