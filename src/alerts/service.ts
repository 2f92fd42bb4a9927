import type pg from 'pg';
import type { Actor } from '../actor.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertRow {
  id: string;
  created_at: Date;
  severity: Severity;
  source: string;
  message: string;
  dedupe_key: string | null;
  resolved_at: Date | null;
  delivered_at: Date | null;
  details: Record<string, unknown> & { actions?: AlertAction[] };
}

/** A button on an alert (`🩺 Diagnose`): tapped, it reaches the handler registered for its verb. */
export interface AlertAction {
  verb: string;
  label: string;
}

/** The tap action kind of alert buttons: `alert:<alert id>:<verb>`. */
export const ALERT_ACTION = 'alert';

/** What an alert button does: runs for the tapper, returns their short answer. One per verb. */
export type AlertActionHandler = (alert: AlertRow, actor: Actor) => Promise<string>;

export interface NewAlert {
  severity: Severity;
  /** Who raised it: `agent:system-monitor`, `deploy:billing`. */
  source: string;
  /** What the founder reads. */
  message: string;
  details?: Record<string, unknown>;
  /** While an alert with this key is unresolved, raising it again is a no-op. */
  dedupeKey?: string;
  /** Buttons shown with it. */
  actions?: AlertAction[];
}

const ICON: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🟢' };

/** The text a founder receives for an alert. */
export function alertText(a: Pick<AlertRow, 'severity' | 'message'>): string {
  return `${ICON[a.severity]} ${a.message}`;
}

/** A claim on an alert's delivery that is older than this was left by a dead process: take it over. */
const CLAIM_EXPIRES = "interval '5 minutes'";

/**
 * Alerts: written to `ai_system_alerts` first (the outbox), then sent to every founder chat, then
 * marked delivered. Deduplicated by `dedupe_key` with a unique partial index, so two workers racing
 * on the same condition still produce one alert. Delivery goes in the order alerts were raised, one
 * alert at a time under a claim (`delivery_claimed_at`): when the chat platforms are unreachable the
 * alerts wait in the outbox, and {@link deliverPending} (after every new alert, and every
 * `alerts.retryInterval` on the workers) delivers them afterwards, once each, in order.
 */
export class AlertService {
  constructor(
    private readonly db: pg.Pool,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /**
   * Records and delivers an alert.
   * @returns the stored alert, or null when an unresolved alert with the same dedupe key exists
   */
  async raise(alert: NewAlert): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>(
      `INSERT INTO ai_system_alerts (severity, source, message, details, dedupe_key)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND resolved_at IS NULL DO NOTHING
       RETURNING *`,
      [alert.severity, alert.source, alert.message, JSON.stringify({ ...alert.details, ...(alert.actions ? { actions: alert.actions } : {}) }), alert.dedupeKey ?? null],
    );
    const row = res.rows[0];
    if (!row) return null;
    await this.deliverPending();
    return row;
  }

  async get(id: string): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>('SELECT * FROM ai_system_alerts WHERE id = $1', [id]);
    return res.rows[0] ?? null;
  }

  /**
   * Ends the condition behind an open alert.
   * @returns the alert that was open (with `created_at`, to compute how long it lasted), or null if none was
   */
  async resolve(dedupeKey: string): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>(
      'UPDATE ai_system_alerts SET resolved_at = now() WHERE dedupe_key = $1 AND resolved_at IS NULL RETURNING *',
      [dedupeKey],
    );
    return res.rows[0] ?? null;
  }

  /**
   * Delivers the outbox: undelivered alerts of the last day, oldest first. Stops at the first alert
   * that no chat accepted (or that another process is delivering), so a later alert never overtakes it.
   * @returns how many were delivered now
   */
  async deliverPending(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimed = await this.db.query<AlertRow>(
        `UPDATE ai_system_alerts SET delivery_claimed_at = now()
         WHERE id = (SELECT min(id) FROM ai_system_alerts WHERE delivered_at IS NULL AND created_at > now() - interval '1 day')
           AND (delivery_claimed_at IS NULL OR delivery_claimed_at < now() - ${CLAIM_EXPIRES})
         RETURNING *`,
      );
      const row = claimed.rows[0];
      if (!row) return delivered;
      if (!(await this.deliver(row))) {
        await this.db.query('UPDATE ai_system_alerts SET delivery_claimed_at = NULL WHERE id = $1', [row.id]);
        return delivered;
      }
      delivered++;
    }
  }

  /**
   * Retries the outbox every `intervalMs` until the returned function is called (the worker role).
   * @returns stop
   */
  startOutbox(intervalMs: number): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(() => this.deliverPending()).catch((err: unknown) => this.log.warn({ err }, 'alert outbox: delivery failed; will retry'));
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  private async deliver(row: AlertRow): Promise<boolean> {
    if (this.broadcaster.audience() === 0) {
      this.log.warn({ alert: row.id, message: row.message }, 'alert stored but no founder chat is configured to receive it');
      return false;
    }
    const actions = row.details?.actions ?? [];
    const buttons = actions.length ? [actions.map((a) => ({ label: a.label, action: { kind: ALERT_ACTION, id: row.id, verb: a.verb } }))] : undefined;
    const { refs, failed } = await this.broadcaster.broadcast({ text: alertText(row), ...(buttons ? { buttons } : {}) });
    if (refs.length === 0 || failed > 0) return false;
    await this.db.query('UPDATE ai_system_alerts SET delivered_at = now(), delivery_claimed_at = NULL WHERE id = $1', [row.id]);
    this.metrics.alertsSent.inc({ severity: row.severity });
    return true;
  }
}
