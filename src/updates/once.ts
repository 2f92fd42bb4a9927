import type pg from 'pg';

/**
 * Claims an inbound event so it is handled at most once across retries, duplicates and processes.
 * @param platform `telegram` | `slack` | `stripe`
 * @param id the platform's event id (Telegram `update_id`, Slack `event_id`, Stripe `event.id`)
 * @returns true when this call claimed it (handle it), false when it was seen before (drop it)
 */
export async function claimUpdate(db: pg.Pool, platform: string, id: string | number): Promise<boolean> {
  const res = await db.query(
    'INSERT INTO processed_updates (platform, update_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [platform, String(id)],
  );
  return res.rowCount === 1;
}
