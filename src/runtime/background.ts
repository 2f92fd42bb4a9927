import type { Logger } from '../log.js';

/**
 * Background work started by a handler that must not block it (a graph run after a tap),
 * tracked so that shutdown can wait for it, bounded.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts `fn` now; its failure is logged, never thrown to the caller. */
  run(name: string, fn: () => Promise<unknown>): void {
    const work: Promise<void> = fn()
      .then(() => undefined)
      .catch((err: unknown) => this.log.error({ err, work: name }, 'background work failed'))
      .finally(() => this.running.delete(work));
    this.running.add(work);
  }

  get size(): number {
    return this.running.size;
  }

  /** Waits for what is running, at most `timeoutMs`. @returns how many were still running at the deadline */
  async drain(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.running]), deadline]);
    clearTimeout(timer);
    return this.running.size;
  }
}
