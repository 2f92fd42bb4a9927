import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { retryOnConnectionLoss } from '../db/retry.js';
import type { ChannelName } from '../channels/port.js';
import type { Logger } from '../log.js';

/**
 * Where claimed events come from (their event ids share `processed_updates`): a chat channel's name
 * (src/channels/port.ts), or a webhook source such as `stripe`.
 */
export type EventPlatform = ChannelName | 'stripe' | 'github' | 'sentry';

/** How long an event id is remembered (the maintenance agent prunes older ones): longer than any platform retries (Stripe: 3 days). */
export const PROCESSED_UPDATES_KEEP_MS = 14 * 86_400_000;

/**
 * Claims an inbound event so it is handled at most once across retries, duplicates and processes.
 * A lost database connection (a Postgres restart) is retried for up to 30 s, so the event is not
 * lost either; each claim carries a token, so a retried claim whose first try did commit is still
 * recognised as ours.
 * @param platform a channel's name (`telegram`) or `stripe`
 * @param id the platform's event id (Telegram `update_id`, Slack `event_id`, Stripe `event.id`)
 * @returns the claim's token when this call claimed it (handle it), null when it was seen before (drop it)
 */
export async function claimUpdate(db: pg.Pool, platform: EventPlatform, id: string | number): Promise<string | null> {
  const token = randomUUID();
  const res = await retryOnConnectionLoss(() =>
    db.query<{ claimed_by: string | null }>(
      `INSERT INTO processed_updates (platform, update_id, claimed_by) VALUES ($1, $2, $3)
       ON CONFLICT (platform, update_id) DO UPDATE SET claimed_by = processed_updates.claimed_by
       RETURNING claimed_by`,
      [platform, String(id), token],
    ),
  );
  return res.rows[0]?.claimed_by === token ? token : null;
}

/** Gives a claim back (its handling failed), so that a redelivery of the event is handled. */
async function releaseClaim(db: pg.Pool, platform: EventPlatform, id: string | number, token: string): Promise<void> {
  await retryOnConnectionLoss(() => db.query('DELETE FROM processed_updates WHERE platform = $1 AND update_id = $2 AND claimed_by = $3', [platform, String(id), token]));
}

/**
 * Handles an inbound event once: claims it, runs `handle`, and when `handle` fails every one of
 * its `attempts` (1 s, then 2 s, … apart), gives the claim back before rethrowing, so the event is
 * left to the platform's redelivery (a Stripe or webhook retry) instead of being dropped as a
 * duplicate later. A process that dies mid-handling keeps its claim: at most once, as before.
 * @param attempts tries in this process (default 1: the platform retries; more where it does not,
 *   as for Telegram long polling and Slack events acknowledged before they are handled)
 * @returns 'handled', or 'duplicate' when the event was claimed before (nothing ran)
 * @throws the last error of `handle`, after the claim was given back
 */
export async function handleOnce(
  db: pg.Pool,
  platform: EventPlatform,
  id: string | number,
  handle: () => Promise<unknown>,
  attempts = 1,
): Promise<'handled' | 'duplicate'> {
  const token = await claimUpdate(db, platform, id);
  if (!token) return 'duplicate';
  for (let attempt = 1; ; attempt++) {
    try {
      await handle();
      return 'handled';
    } catch (err) {
      if (attempt >= attempts) {
        await releaseClaim(db, platform, id, token).catch(() => undefined);
        throw err;
      }
      await sleep(1_000 * attempt);
    }
  }
}

/**
 * Handles events that no platform delivers again once they were taken (Telegram long polling moves
 * its offset on at once; Slack events are acknowledged before they are handled): each event once,
 * and when its handling fails, the claim is given back and the adapter hands the event in again
 * itself, at most `attempts` times in all (1 s, 2 s, … apart), before it is logged as lost.
 */
export class RedeliveringOnce {
  /** `platform:id` → failed attempts so far. */
  private readonly failures = new Map<string, number>();

  /** @param attempts tries per event in this process (default 3) */
  constructor(
    private readonly deps: { db: pg.Pool; log: Logger },
    private readonly attempts = 3,
  ) {}

  /**
   * @param handle handles the event (the adapter's middleware chain)
   * @param redeliver hands the same event to the adapter again (a fresh context); called after a
   *   backoff when `handle` failed and attempts are left
   * @returns 'handled', 'duplicate' (claimed before: nothing ran), or 'failed' (given back; redelivered
   *   later, or lost after the last attempt, which is logged)
   */
  async run(platform: EventPlatform, id: string | number, handle: () => Promise<unknown>, redeliver: () => Promise<unknown>): Promise<'handled' | 'duplicate' | 'failed'> {
    const key = `${platform}:${id}`;
    try {
      const outcome = await handleOnce(this.deps.db, platform, id, handle);
      this.failures.delete(key);
      return outcome;
    } catch (err) {
      const failed = (this.failures.get(key) ?? 0) + 1;
      if (failed >= this.attempts) {
        this.failures.delete(key);
        this.deps.log.error({ err, platform, id, attempts: failed }, 'an inbound event failed every attempt; it was not handled');
        return 'failed';
      }
      this.failures.set(key, failed);
      this.deps.log.warn({ err, platform, id, attempt: failed }, 'an inbound event failed; handing it in again');
      setTimeout(() => void redeliver().catch((e: unknown) => this.deps.log.error({ err: e, platform, id }, 'redelivery failed')), 1_000 * failed).unref();
      return 'failed';
    }
  }
}

/**
 * Forgets event ids older than `keepMs` (default 14 days): the table would otherwise grow by every
 * update ever received. Called by the maintenance agent.
 * @returns how many were removed
 */
export async function pruneProcessedUpdates(db: pg.Pool, keepMs = PROCESSED_UPDATES_KEEP_MS): Promise<number> {
  const res = await db.query(`DELETE FROM processed_updates WHERE received_at < now() - make_interval(secs => $1::double precision / 1000)`, [keepMs]);
  return res.rowCount ?? 0;
}
