import type pg from 'pg';
import { actorKey, type Actor } from '../actor.js';

export type TaskStatus = 'running' | 'deployed' | 'rolled_back' | 'rejected' | 'stopped' | 'cancelled';

export interface TaskRow {
  id: string;
  service: string;
  request: string;
  requested_by: string;
  status: TaskStatus;
  rounds: number;
  detail: string | null;
  cancelled_by: string | null;
  deployed_commit: string | null;
  previous_commit: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** The `tasks` table: one row per /task, its status and outcome. */
export class TaskStore {
  constructor(private readonly db: pg.Pool) {}

  /** @returns the new task's id (decimal text) */
  async create(input: { service: string; request: string; requestedBy: Actor }): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>('INSERT INTO tasks (service, request, requested_by) VALUES ($1, $2, $3) RETURNING id', [
      input.service,
      input.request,
      actorKey(input.requestedBy),
    ]);
    return rows[0]!.id;
  }

  /** Records how the task ended (or its rounds so far, with status `running`). */
  async update(id: string, change: { status: TaskStatus; rounds: number; detail?: string; commits?: { deployed: string; previous: string } }): Promise<void> {
    await this.db.query(
      `UPDATE tasks SET status = $2, rounds = $3, detail = COALESCE($4, detail), finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END,
         deployed_commit = COALESCE($5, deployed_commit), previous_commit = COALESCE($6, previous_commit) WHERE id = $1`,
      [id, change.status, change.rounds, change.detail ?? null, change.commits?.deployed ?? null, change.commits?.previous ?? null],
    );
  }

  /** The service's most recent task that deployed (and was not rolled back), if any. */
  async lastDeployed(service: string): Promise<TaskRow | null> {
    const { rows } = await this.db.query<TaskRow>(`SELECT * FROM tasks WHERE service = $1 AND status = 'deployed' ORDER BY finished_at DESC, id DESC LIMIT 1`, [service]);
    return rows[0] ?? null;
  }

  /**
   * Takes the service for this task's deploy; one task holds a service at a time (a partial unique
   * index decides between racing tasks). Holding it again is a no-op.
   * @returns null when this task holds it now, else the id of the task that does
   */
  async hold(id: string, service: string): Promise<string | null> {
    try {
      await this.db.query('UPDATE tasks SET holds_service = true WHERE id = $1', [id]);
      return null;
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err; // unique_violation: another task holds it
      const { rows } = await this.db.query<{ id: string }>('SELECT id FROM tasks WHERE service = $1 AND holds_service', [service]);
      return rows[0]?.id ?? null;
    }
  }

  /** Lets the next task deploy the service. */
  async release(id: string): Promise<void> {
    await this.db.query('UPDATE tasks SET holds_service = false WHERE id = $1', [id]);
  }

  /** Marks a deployed task as rolled back by /rollback. */
  async markRolledBack(id: string, detail: string): Promise<void> {
    await this.db.query(`UPDATE tasks SET status = 'rolled_back', detail = $2 WHERE id = $1`, [id, detail]);
  }

  /** The most recent tasks, newest first. */
  /** Tasks started since `since`, by status. */
  async countsSince(since: Date): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM tasks WHERE created_at >= $1 GROUP BY status', [since]);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async recent(limit = 10): Promise<TaskRow[]> {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM tasks ORDER BY id DESC LIMIT $1', [limit]);
    return rows;
  }

  /**
   * Asks a running task to stop (compare-and-set: only while it runs).
   * @returns the task as it stands, and whether this call asked it to stop
   */
  async requestCancel(id: string, by: Actor): Promise<{ task: TaskRow | null; requested: boolean }> {
    const { rows } = await this.db.query<TaskRow>(`UPDATE tasks SET cancelled_by = $2 WHERE id = $1 AND status = 'running' AND cancelled_by IS NULL RETURNING *`, [id, by.name]);
    return rows[0] ? { task: rows[0], requested: true } : { task: await this.get(id), requested: false };
  }

  /** Who asked the task to stop, if anyone did. */
  async cancelledBy(id: string): Promise<string | null> {
    const { rows } = await this.db.query<{ cancelled_by: string | null }>('SELECT cancelled_by FROM tasks WHERE id = $1', [id]);
    return rows[0]?.cancelled_by ?? null;
  }

  async get(id: string): Promise<TaskRow | null> {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
