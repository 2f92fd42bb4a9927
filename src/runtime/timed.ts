import { describeError } from '../errors.js';

/**
 * Rejects with "no answer within N ms" when `promise` takes longer than `timeoutMs`.
 * (The underlying work is not cancelled; use it for checks whose late answer can be ignored.)
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export type Timed<T> = { ok: true; value: T; latencyMs: number } | { ok: false; error: string; latencyMs: number };

/**
 * Runs a check, bounded by `timeoutMs`, and reports how long it took. Never throws.
 * @returns the value, or the error's message; latency in milliseconds
 */
export async function timed<T>(fn: () => Promise<T>, timeoutMs: number): Promise<Timed<T>> {
  const started = performance.now();
  try {
    const value = await withTimeout(fn(), timeoutMs);
    return { ok: true, value, latencyMs: performance.now() - started };
  } catch (err) {
    return { ok: false, error: describeError(err), latencyMs: performance.now() - started };
  }
}
