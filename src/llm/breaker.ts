/**
 * A circuit breaker per provider. Closed: calls go through. After `threshold` consecutive failures
 * it opens: calls are skipped at once, for `coolDownMs` (or the provider's Retry-After, if longer).
 * Then half-open: one probe call is let through; success closes it, failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    readonly threshold = 3,
    readonly coolDownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a call may go now (in half-open, only one probe at a time). */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
  }

  /** @param retryAfterMs the provider's Retry-After, which can only lengthen the cool-down */
  failure(retryAfterMs?: number): void {
    this.failures++;
    this.probing = false;
    if (this.failures >= this.threshold) this.openUntil = this.now() + Math.max(this.coolDownMs, retryAfterMs ?? 0);
  }
}
