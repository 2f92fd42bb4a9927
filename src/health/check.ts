import { describeError } from '../errors.js';

export interface HealthResult {
  ok: boolean;
  /** HTTP status, when the service answered. */
  status?: number;
  /** Wall time of the check, milliseconds. */
  latencyMs: number;
  /** Why it is not ok ("HTTP 503", "timeout after 5s", "connect ECONNREFUSED …"). */
  error?: string;
}

/**
 * GETs a health URL. Healthy means a 2xx answer within the timeout; the body is not read beyond need.
 * @param url the service's `health` URL
 * @param timeoutMs abort after this many milliseconds
 */
export async function checkHealth(url: string, timeoutMs: number): Promise<HealthResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    await res.body?.cancel().catch(() => undefined);
    const latencyMs = performance.now() - started;
    return res.ok ? { ok: true, status: res.status, latencyMs } : { ok: false, status: res.status, latencyMs, error: `HTTP ${res.status}` };
  } catch (err) {
    const latencyMs = performance.now() - started;
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, latencyMs, error: `no answer within ${timeoutMs}ms` };
    const cause = (err as { cause?: unknown }).cause;
    return { ok: false, latencyMs, error: cause ? describeError(cause) : describeError(err) };
  }
}
