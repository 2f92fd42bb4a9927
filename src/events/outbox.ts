/**
 * The event outbox and its deliveries (tables `event_outbox`, `event_deliveries`, migration 0017).
 * The outbox is written by the database itself: a trigger on `audit_log` copies every audited
 * change of the event families (see the migration) in the same transaction. This module turns
 * those rows into deliveries, one per matching webhook, and tracks each delivery to the end:
 * `waiting` → `queued` (its BullMQ job exists) → `delivered`, or `parked` after retrying for
 * `events.retryFor`.
 *
 * Order: per webhook and subject only the oldest open delivery is queued; the next one is queued
 * when it ends. Subjects do not wait for each other.
 */
import type pg from 'pg';
import type { OutboxEvent } from './envelope.js';

/** One delivery with its event: what a delivery job sends. */
export interface DeliveryRow {
  id: string;
  webhook: string;
  subject: string;
  status: 'waiting' | 'queued' | 'delivered' | 'parked';
  attempts: number;
  first_failed_at: Date | null;
  event: OutboxEvent;
}

/** A delivery that became the head of its subject and must be put on the queue. */
export interface QueuedDelivery {
  webhook: string;
  eventId: string;
  /** It was queued over a minute ago and is still open: its job may be lost or failed for good. */
  stale: boolean;
}

/** Parked deliveries of a period, per webhook: the daily digest's line. */
export interface ParkedCount {
  webhook: string;
  parked: number;
  lastError: string | null;
}

/** How long ended events are kept (the maintenance agent prunes older ones); the audit log keeps the changes. */
export const EVENTS_KEEP_DAYS = 30;

/** How many new events one fan-out takes; the rest wait for the next pass. */
const FAN_OUT_BATCH = 500;

export class EventOutbox {
  constructor(private readonly db: pg.Pool) {}

  /**
   * Writes the deliveries of events not fanned out yet, one per webhook whose type filter matches
   * (one statement: a crash leaves either both or neither). Events no webhook takes are marked too.
   * Rows are locked in outbox order, so two workers fanning out at once keep the order.
   * @param webhooks each subscriber's name and type filter (matched against the action, `deploy.succeeded`)
   * @returns how many events and deliveries were written
   */
  async fanOut(webhooks: ReadonlyArray<{ name: string; match: RegExp }>): Promise<{ events: number; deliveries: number }> {
    const res = await this.db.query<{ events: string; deliveries: string }>(
      `WITH picked AS (
         UPDATE event_outbox SET fanned_out_at = now()
         WHERE id IN (SELECT id FROM event_outbox WHERE fanned_out_at IS NULL ORDER BY id LIMIT ${FAN_OUT_BATCH} FOR UPDATE)
           AND fanned_out_at IS NULL
         RETURNING id, action, target),
       written AS (
         INSERT INTO event_deliveries (event, webhook, subject)
         SELECT p.id, w.name, COALESCE(p.target, p.action)
         FROM picked p CROSS JOIN unnest($1::text[], $2::text[]) AS w(name, pattern)
         WHERE p.action ~ w.pattern
         ORDER BY p.id
         ON CONFLICT (event, webhook) DO NOTHING
         RETURNING 1)
       SELECT (SELECT count(*) FROM picked) AS events, (SELECT count(*) FROM written) AS deliveries`,
      [webhooks.map((w) => w.name), webhooks.map((w) => w.match.source)],
    );
    return { events: Number(res.rows[0]!.events), deliveries: Number(res.rows[0]!.deliveries) };
  }

  /**
   * Marks the head of each (webhook, subject) as queued, and returns those to put on the queue:
   * new heads, and heads queued over a minute ago (their job may have been lost with a crash;
   * adding it again is harmless, the job id is the same).
   */
  async takeHeads(): Promise<QueuedDelivery[]> {
    const res = await this.db.query<{ webhook: string; event_id: string; stale: boolean }>(
      `UPDATE event_deliveries d SET status = 'queued', queued_at = now()
       FROM (SELECT DISTINCT ON (webhook, subject) id, status FROM event_deliveries
             WHERE status IN ('waiting', 'queued') ORDER BY webhook, subject, event) h,
            event_outbox o
       WHERE d.id = h.id AND o.id = d.event
         AND (d.status = 'waiting' OR (d.status = 'queued' AND d.queued_at < now() - interval '1 minute'))
       RETURNING d.webhook, o.event_id, h.status = 'queued' AS stale`,
    );
    return res.rows.map((r) => ({ webhook: r.webhook, eventId: r.event_id, stale: r.stale }));
  }

  /** The queued delivery of `eventId` to `webhook`, with its event; null when it is not queued (done, or unknown). */
  async queued(eventId: string, webhook: string): Promise<DeliveryRow | null> {
    const res = await this.db.query<Omit<DeliveryRow, 'event'> & { e_id: string; event_id: string; action: string; target: string | null; actor: string; details: Record<string, unknown>; at: Date }>(
      `SELECT d.id, d.webhook, d.subject, d.status, d.attempts, d.first_failed_at,
              o.id AS e_id, o.event_id, o.action, o.target, o.actor, o.details, o.at
       FROM event_deliveries d JOIN event_outbox o ON o.id = d.event
       WHERE o.event_id = $1 AND d.webhook = $2 AND d.status = 'queued'`,
      [eventId, webhook],
    );
    const r = res.rows[0];
    if (!r) return null;
    return {
      id: r.id,
      webhook: r.webhook,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      first_failed_at: r.first_failed_at,
      event: { id: r.e_id, event_id: r.event_id, action: r.action, target: r.target, actor: r.actor, details: r.details, at: r.at },
    };
  }

  /** The subscriber accepted it (2xx). @returns false when it was no longer queued (another worker finished it) */
  async delivered(deliveryId: string): Promise<boolean> {
    const res = await this.db.query(`UPDATE event_deliveries SET status = 'delivered', delivered_at = now(), attempts = attempts + 1 WHERE id = $1 AND status = 'queued'`, [deliveryId]);
    return (res.rowCount ?? 0) > 0;
  }

  /**
   * An attempt failed: counted, with its error (cut to 500 characters).
   * @param retryForMs events.retryFor
   * @returns whether retrying is over: the first failure was at least `retryForMs` ago (the database's clock)
   */
  async failed(deliveryId: string, error: string, retryForMs: number): Promise<boolean> {
    const res = await this.db.query<{ over: boolean }>(
      `UPDATE event_deliveries SET attempts = attempts + 1, last_error = $2, first_failed_at = COALESCE(first_failed_at, now())
       WHERE id = $1 RETURNING now() - first_failed_at >= make_interval(secs => $3::double precision / 1000) AS over`,
      [deliveryId, error.slice(0, 500), retryForMs],
    );
    return res.rows[0]?.over ?? true;
  }

  /** Gives up on a delivery (retried for events.retryFor, or refused for good): the next of its subject may go. */
  async park(deliveryId: string): Promise<void> {
    await this.db.query(`UPDATE event_deliveries SET status = 'parked', parked_at = now() WHERE id = $1 AND status = 'queued'`, [deliveryId]);
  }

  /**
   * Forgets events older than `days` whose deliveries all ended (delivered or parked), with those
   * deliveries (the maintenance agent). The audit log keeps the changes themselves.
   * @returns how many events were forgotten
   */
  async prune(days = EVENTS_KEEP_DAYS): Promise<number> {
    const res = await this.db.query<{ n: string }>(
      `WITH old AS (
         SELECT o.id FROM event_outbox o
         WHERE o.at < now() - make_interval(days => $1) AND o.fanned_out_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event = o.id AND d.status IN ('waiting', 'queued'))),
       gone_deliveries AS (DELETE FROM event_deliveries WHERE event IN (SELECT id FROM old) RETURNING 1),
       gone AS (DELETE FROM event_outbox WHERE id IN (SELECT id FROM old) RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [days],
    );
    return Number(res.rows[0]!.n);
  }

  /** Deliveries parked since `since`, per webhook (the daily digest). */
  async parkedSince(since: Date): Promise<ParkedCount[]> {
    const res = await this.db.query<{ webhook: string; parked: number; last_error: string | null }>(
      `SELECT webhook, count(*)::int AS parked, (array_agg(last_error ORDER BY parked_at DESC))[1] AS last_error
       FROM event_deliveries WHERE status = 'parked' AND parked_at >= $1 GROUP BY webhook ORDER BY webhook`,
      [since],
    );
    return res.rows.map((r) => ({ webhook: r.webhook, parked: r.parked, lastError: r.last_error }));
  }

  /**
   * Events after a cursor, oldest first (the live stream).
   * @param after an outbox sequence (exclusive), or null for the newest `limit`
   */
  async after(after: string | null, limit = 100): Promise<OutboxEvent[]> {
    const res =
      after === null
        ? await this.db.query<OutboxEvent>(`SELECT * FROM (SELECT id, event_id, action, target, actor, details, at FROM event_outbox ORDER BY id DESC LIMIT $1) t ORDER BY id`, [limit])
        : await this.db.query<OutboxEvent>(`SELECT id, event_id, action, target, actor, details, at FROM event_outbox WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit]);
    return res.rows;
  }

  /** The outbox sequence of an event id (a stream resumed with Last-Event-ID), or null. */
  async sequenceOf(eventId: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/i.test(eventId)) return null;
    const res = await this.db.query<{ id: string }>('SELECT id FROM event_outbox WHERE event_id = $1', [eventId]);
    return res.rows[0]?.id ?? null;
  }

  /** The newest outbox sequence, or null when there is none (a stream that starts "from now"). */
  async newest(): Promise<string | null> {
    const res = await this.db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM event_outbox');
    return res.rows[0]?.id ?? null;
  }
}
