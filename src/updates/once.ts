import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { retryOnConnectionLoss } from '../db/retry.js';

/**
 * Claims an inbound event so it is handled at most once across retries, duplicates and processes.
 * A lost database connection (a Postgres restart) is retried for up to 30 s, so the event is not
 * lost either; each claim carries a token, so a retried claim whose first try did commit is still
 * recognised as ours.
 * @param platform `telegram` | `slack` | `stripe`
 * @param id the platform's event id (Telegram `update_id`, Slack `event_id`, Stripe `event.id`)
 * @returns true when this call claimed it (handle it), false when it was seen before (drop it)
 */
export async function claimUpdate(db: pg.Pool, platform: string, id: string | number): Promise<boolean> {
  const token = randomUUID();
  const res = await retryOnConnectionLoss(() =>
    db.query<{ claimed_by: string | null }>(
      `INSERT INTO processed_updates (platform, update_id, claimed_by) VALUES ($1, $2, $3)
       ON CONFLICT (platform, update_id) DO UPDATE SET claimed_by = processed_updates.claimed_by
       RETURNING claimed_by`,
      [platform, String(id), token],
    ),
  );
  return res.rows[0]?.claimed_by === token;
}
