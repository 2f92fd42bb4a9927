import type pg from 'pg';
import { actorKey, type Actor } from '../actor.js';

export type TaskStatus = 'running' | 'deployed' | 'rolled_back' | 'rejected' | 'stopped';

export interface TaskRow {
  id: string;
  service: string;
  request: string;
  requested_by: string;
  status: TaskStatus;
  rounds: number;
  detail: string | null;
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
  async update(id: string, change: { status: TaskStatus; rounds: number; detail?: string }): Promise<void> {
    await this.db.query(
      `UPDATE tasks SET status = $2, rounds = $3, detail = COALESCE($4, detail), finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END WHERE id = $1`,
      [id, change.status, change.rounds, change.detail ?? null],
    );
  }

  /** The most recent tasks, newest first. */
  async recent(limit = 10): Promise<TaskRow[]> {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM tasks ORDER BY id DESC LIMIT $1', [limit]);
    return rows;
  }

  async get(id: string): Promise<TaskRow | null> {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
