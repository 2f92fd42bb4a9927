import { randomUUID } from 'node:crypto';
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
  /** Its graph thread (`task:<id>:<uuid>`), set right after the row is created. */
  thread_id: string | null;
  deployed_commit: string | null;
  previous_commit: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** A request made of a running task outside the chat (task_feedback). */
export interface TaskFeedback {
  id: string;
  author: string;
  body: string;
  url: string | null;
}

/** The `tasks` table (one row per /task, its status and outcome) and `task_feedback`. */
export class TaskStore {
  constructor(private readonly db: pg.Pool) {}

  /**
   * @returns the new task's id (decimal text, for people) and its graph thread `task:<id>:<uuid>`
   *   (for jobs: unique across databases, where the id is not)
   */
  async create(input: { service: string; request: string; requestedBy: Actor }): Promise<{ taskId: string; threadId: string }> {
    const { rows } = await this.db.query<{ id: string }>('INSERT INTO tasks (service, request, requested_by) VALUES ($1, $2, $3) RETURNING id', [
      input.service,
      input.request,
      actorKey(input.requestedBy),
    ]);
    const taskId = rows[0]!.id;
    const threadId = `task:${taskId}:${randomUUID()}`;
    await this.db.query('UPDATE tasks SET thread_id = $2 WHERE id = $1', [taskId, threadId]);
    return { taskId, threadId };
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

  /** Marks a deployed task as rolled back by /rollback. */
  async markRolledBack(id: string, detail: string): Promise<void> {
    await this.db.query(`UPDATE tasks SET status = 'rolled_back', detail = $2 WHERE id = $1`, [id, detail]);
  }

  /** Tasks started since `since`, by status. */
  async countsSince(since: Date): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM tasks WHERE created_at >= $1 GROUP BY status', [since]);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** The most recent tasks, newest first. */
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

  /** Records what a person asked of the task outside the chat (a pull request review mentioning @aurea). */
  async addFeedback(taskId: string, feedback: { source: 'github'; author: string; body: string; url: string | null }): Promise<void> {
    await this.db.query('INSERT INTO task_feedback (task_id, source, author, body, url) VALUES ($1, $2, $3, $4, $5)', [taskId, feedback.source, feedback.author, feedback.body, feedback.url]);
  }

  /** The task's feedback with an id above `afterId`, oldest first (ids are decimal text). */
  async feedbackAfter(taskId: string, afterId: string): Promise<TaskFeedback[]> {
    const { rows } = await this.db.query<TaskFeedback>('SELECT id::text, author, body, url FROM task_feedback WHERE task_id = $1 AND id > $2 ORDER BY id', [taskId, afterId]);
    return rows;
  }

  async get(id: string): Promise<TaskRow | null> {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
