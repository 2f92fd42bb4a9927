/** Records calls a fake API received and lets tests wait for one (past or future). */
export class CallRecorder<C extends { ok: boolean }> {
  readonly calls: C[] = [];
  private listeners = new Set<() => void>();

  protected record(call: C): void {
    this.calls.push(call);
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with the first accepted call matching `predicate`, or with true once `predicate()` holds. */
  waitFor(predicate: (c: C) => boolean, timeoutMs = 15_000, what = 'matching call'): Promise<C> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.calls.find((c) => c.ok && predicate(c));
        if (hit) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${this.constructor.name}: no ${what} within ${timeoutMs}ms; calls: ${this.calls.map((c) => (c as { method?: string }).method).join(', ')}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}
