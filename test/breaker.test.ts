import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/llm/breaker.js';
import { LlmCallError, classify } from '../src/llm/errors.js';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, skips while open, lets one probe through after the cool-down', () => {
    let now = 0;
    const b = new CircuitBreaker(3, 30_000, () => now);
    b.failure();
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    now = 30_000;
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true); // the probe
    expect(b.allow()).toBe(false); // only one at a time
    b.success();
    expect(b.state).toBe('closed');
  });

  it('a failed probe opens it again; Retry-After lengthens the cool-down, never shortens it', () => {
    let now = 0;
    const b = new CircuitBreaker(1, 30_000, () => now);
    b.failure(120_000);
    now = 60_000;
    expect(b.allow()).toBe(false);
    now = 120_000;
    expect(b.allow()).toBe(true);
    b.failure(1_000);
    now = 140_000;
    expect(b.state).toBe('open');
    now = 150_000;
    expect(b.state).toBe('half-open');
  });

  it('classifies provider errors for retry and fallback', () => {
    const headers = new Headers({ 'retry-after': '7' });
    const limited = classify({ status: 429, headers, message: 'rate limited' }, false);
    expect(limited).toMatchObject({ failure: 'rate_limited', retryAfterMs: 7_000, short: '429', retrySame: false, fallback: true });
    expect(classify({ status: 529, headers: new Headers() }, false).failure).toBe('overloaded');
    expect(classify({ status: 502, headers: new Headers() }, false)).toMatchObject({ failure: 'server_error', retrySame: true });
    expect(classify({ status: 400, headers: new Headers() }, false)).toMatchObject({ failure: 'bad_request', fallback: false });
    expect(classify(new Error('aborted'), true)).toMatchObject({ failure: 'timeout', short: 'timeout' });
    expect(classify(new TypeError('fetch failed'), false).failure).toBe('network');
    expect(classify(new LlmCallError('auth', 'x', undefined, 401), false).failure).toBe('auth');
  });
});
