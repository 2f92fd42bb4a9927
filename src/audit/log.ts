import type pg from 'pg';
import { actorKey, type Actor } from '../actor.js';
import { cleanJsonStrings, cleanText } from '../text/clean.js';

/**
 * Appends one row to `audit_log` (append-only; a trigger refuses UPDATE and DELETE).
 * @param db pool or client
 * @param actor who acted (or was refused)
 * @param action dotted verb: `command.status`, `access.refused`, `deploy.succeeded`, `approval.approved` …
 * @param target what it was done to (`service:billing`, `approval:12`), if anything
 * @param details extra JSON; never secrets. Strings are cleaned of NUL and lone surrogates (jsonb refuses them).
 */
export async function audit(
  db: pg.Pool | pg.PoolClient,
  actor: Actor,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
    cleanText(actorKey(actor)),
    action,
    target === null ? null : cleanText(target),
    JSON.stringify({ name: actor.name, ...details }, cleanJsonStrings),
  ]);
}

/**
 * How many times `action` happened between `since` and `until` (an aggregated row, such as the
 * refusals of one stranger in one window, counts as its `details.count`).
 */
export async function countAudited(db: pg.Pool, action: string, since: Date, until = new Date()): Promise<number> {
  const res = await db.query<{ n: string | null }>(
    `SELECT sum(COALESCE((details->>'count')::int, 1)) AS n FROM audit_log WHERE action = $1 AND at >= $2 AND at < $3`,
    [action, since, until],
  );
  return Number(res.rows[0]?.n ?? 0);
}

/**
 * The newest of `actions` recorded by `actor` (an actor key) on `target` at or after `since` (and in
 * graph thread `thread`, when given: `details.thread`), or null: how a caller learns how the work it
 * started ended (a deploy's `deploy.<outcome>`).
 */
export async function latestAudited(
  db: pg.Pool,
  input: { actor: string; target: string; actions: readonly string[]; since: Date; thread?: string },
): Promise<{ action: string; at: Date } | null> {
  const res = await db.query<{ action: string; at: Date }>(
    `SELECT action, at FROM audit_log WHERE actor = $1 AND target = $2 AND action = ANY($3) AND at >= $4
       AND ($5::text IS NULL OR details->>'thread' = $5) ORDER BY id DESC LIMIT 1`,
    [input.actor, input.target, [...input.actions], input.since, input.thread ?? null],
  );
  return res.rows[0] ?? null;
}
