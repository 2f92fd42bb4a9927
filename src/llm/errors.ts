import { describeError } from '../errors.js';

/** Why a provider call failed, as the router needs to know it. */
export type LlmFailure = 'rate_limited' | 'overloaded' | 'server_error' | 'timeout' | 'network' | 'auth' | 'bad_request';

export class LlmCallError extends Error {
  override readonly name = 'LlmCallError';
  constructor(
    readonly failure: LlmFailure,
    message: string,
    /** From a Retry-After header, milliseconds. */
    readonly retryAfterMs?: number,
    /** HTTP status, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }

  /** Whether the next provider may succeed where this one failed (not for our own bad request). */
  get fallback(): boolean {
    return this.failure !== 'bad_request';
  }

  /** Whether trying the same provider once more can help (a transient 5xx or network blip). */
  get retrySame(): boolean {
    return this.failure === 'server_error' || this.failure === 'network';
  }

  /** Short form for "answered by openai — anthropic 429". */
  get short(): string {
    return this.status ? String(this.status) : this.failure.replace('_', ' ');
  }
}

function retryAfter(headers: unknown): number | undefined {
  const get = (k: string): string | null | undefined =>
    headers && typeof (headers as Headers).get === 'function' ? (headers as Headers).get(k) : (headers as Record<string, string> | undefined)?.[k];
  const v = get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Classifies an SDK error (Anthropic, OpenAI, Google GenAI all expose `status` and `headers` on API
 * errors) or an abort into an LlmCallError. HTTP 529 is Anthropic's "overloaded".
 */
export function classify(err: unknown, timedOut: boolean): LlmCallError {
  if (err instanceof LlmCallError) return err;
  if (timedOut) return new LlmCallError('timeout', 'no answer in time');
  const e = err as { status?: number; code?: number; headers?: unknown; name?: string };
  const status = typeof e.status === 'number' ? e.status : typeof e.code === 'number' && e.code >= 400 ? e.code : undefined;
  const msg = describeError(err).slice(0, 300);
  if (status === 429) return new LlmCallError('rate_limited', msg, retryAfter(e.headers), status);
  if (status === 529 || status === 503) return new LlmCallError('overloaded', msg, retryAfter(e.headers), status);
  if (status && status >= 500) return new LlmCallError('server_error', msg, retryAfter(e.headers), status);
  if (status === 401 || status === 403) return new LlmCallError('auth', msg, undefined, status);
  if (status && status >= 400) return new LlmCallError('bad_request', msg, undefined, status);
  if (e.name === 'AbortError' || /timed? ?out/i.test(msg)) return new LlmCallError('timeout', msg);
  return new LlmCallError('network', msg);
}
