import type pg from 'pg';

/** What a journalled step came to. */
export type JournalledStep<T> =
  /** It ran now, or had finished in an earlier attempt (its recorded result, not run again). */
  | { kind: 'done'; result: T; replayed: boolean }
  /** An earlier attempt started it and never recorded the end (the process died): not run again. */
  | { kind: 'interrupted'; startedAt: Date };

/**
 * The start and finish of graph steps that change the world (`graph_steps`; this is its one owner).
 * A graph run resumed from its checkpoint after a crash re-enters the node that was running; the
 * journal makes that node see what happened instead of running its command a second time.
 */
export class StepJournal {
  constructor(private readonly db: pg.Pool) {}

  /**
   * Records that `step` happened in `threadId` (a founder was told something), once.
   * @returns true the first time, false when it was recorded before
   */
  async mark(threadId: string, step: string): Promise<boolean> {
    const claimed = await this.db.query(
      `INSERT INTO graph_steps (thread_id, step, finished_at) VALUES ($1, $2, now()) ON CONFLICT (thread_id, step) DO NOTHING`,
      [threadId, step],
    );
    return (claimed.rowCount ?? 0) > 0;
  }

  /**
   * Runs `fn` once per (thread, step).
   * @param threadId the graph thread (`deploy:billing:<uuid>`)
   * @param step the step's name within the thread (`deploy`, `rollback`)
   * @param fn the side effect; its result must be JSON (it is stored in `graph_steps.result`)
   * @returns done (ran now, or its recorded result), or interrupted (started earlier, never finished)
   * @throws what `fn` throws; the step then stays recorded as started, i.e. interrupted on a retry
   */
  async run<T>(threadId: string, step: string, fn: () => Promise<T>): Promise<JournalledStep<T>> {
    const claimed = await this.db.query(
      `INSERT INTO graph_steps (thread_id, step) VALUES ($1, $2) ON CONFLICT (thread_id, step) DO NOTHING`,
      [threadId, step],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await this.db.query<{ started_at: Date; finished_at: Date | null; result: T }>(
        'SELECT started_at, finished_at, result FROM graph_steps WHERE thread_id = $1 AND step = $2',
        [threadId, step],
      );
      const row = rows[0]!;
      return row.finished_at ? { kind: 'done', result: row.result, replayed: true } : { kind: 'interrupted', startedAt: row.started_at };
    }
    const result = await fn();
    await this.db.query('UPDATE graph_steps SET finished_at = now(), result = $3 WHERE thread_id = $1 AND step = $2', [
      threadId,
      step,
      JSON.stringify(result),
    ]);
    return { kind: 'done', result, replayed: false };
  }
}
