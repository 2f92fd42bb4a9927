import type pg from 'pg';
import { audit } from '../audit/log.js';
import { inTransaction } from '../db/transaction.js';
import type { Actor } from '../actor.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { Button, MessageRef, OutboundMessage } from '../channels/port.js';
import { formatDuration } from '../duration.js';
import { isQuiet, type QuietHours } from './quiet.js';
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
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  /** Where it was shown (to edit it after a tap). */
  messages: MessageRef[];
  snoozed_until: Date | null;
  snoozed_by: string | null;
  /** Why it was stored but not sent (`snoozed`, `quiet`, `incident`: its incident's message shows it), if so. */
  held: string | null;
  /** The incident it belongs to (src/alerts/incidents.ts), if any. */
  incident_id: string | null;
}

/** A button on an alert (`🩺 Diagnose`): tapped, it reaches the handler registered for its verb. */
export interface AlertAction {
  verb: string;
  label: string;
}

/** The Diagnose button on a service-down alert (graphs/task/actions/diagnose.ts answers its verb). */
export const DIAGNOSE: AlertAction = { verb: 'diagnose', label: '🩺 Diagnose' };

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
  /** Part of an incident (src/alerts/incidents.ts), which shows it: stored, not sent on its own. */
  incident?: boolean;
}

export const ICON: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🟢' };

/** Who raised an alert, as an audit actor: AUREA's component or the outside source (`alertmanager`). */
const sourceActor = (source: string): Actor => ({ platform: 'system', id: source, name: source });

/** What an alert's audit rows (and events) carry: never its whole details (labels may be long). */
function alertFacts(a: AlertRow): Record<string, unknown> {
  const service = typeof a.details.service === 'string' ? a.details.service : undefined;
  const fingerprint = typeof a.details.fingerprint === 'string' ? a.details.fingerprint : undefined;
  return { severity: a.severity, source: a.source, message: a.message.slice(0, 500), ...(service ? { service } : {}), ...(fingerprint ? { fingerprint } : {}), ...(a.incident_id ? { incident: a.incident_id } : {}) };
}

/** The buttons every warning and critical alert carries (src/alerts/responses.ts handles them). */
export const RESPONSE_ACTIONS: readonly AlertAction[] = [
  { verb: 'ack', label: '✔ Ack' },
  { verb: 'snooze', label: '💤 Snooze 1h' },
];

/**
 * The message an alert is shown as: its text; its own action buttons (🩺 Diagnose) on one row and,
 * for warnings and criticals not yet acknowledged, ✔ Ack and 💤 Snooze 1h on another; the status
 * line says who acknowledged or snoozed it.
 */
export function alertMessage(a: Pick<AlertRow, 'id' | 'severity' | 'message' | 'details' | 'acknowledged_by' | 'acknowledged_at' | 'snoozed_until' | 'snoozed_by'> & Partial<Pick<AlertRow, 'created_at' | 'resolved_at'>>): OutboundMessage {
  // Resolved (its source said so): how long it lasted, and nothing left to tap.
  if (a.resolved_at) {
    const lasted = a.created_at ? ` after ${formatDuration(a.resolved_at.getTime() - a.created_at.getTime())}` : '';
    return { text: alertText(a), status: `✅ Resolved at ${a.resolved_at.toISOString().slice(11, 16)} UTC${lasted}` };
  }
  const button = (x: AlertAction): Button => ({ label: x.label, action: { kind: ALERT_ACTION, id: a.id, verb: x.verb } });
  const own = (a.details?.actions ?? []).map(button);
  const answered = a.acknowledged_by !== null || (a.snoozed_until !== null && a.snoozed_until > new Date());
  const responses = a.severity !== 'info' && !answered ? RESPONSE_ACTIONS.map(button) : [];
  const rows = [own, responses].filter((r) => r.length);
  const at = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
  const status = a.acknowledged_by
    ? `✔ Acknowledged by ${a.acknowledged_by}${a.acknowledged_at ? ` at ${at(a.acknowledged_at)}` : ''}`
    : a.snoozed_until && a.snoozed_until > new Date()
      ? `💤 Snoozed by ${a.snoozed_by} until ${at(a.snoozed_until)}: the same alert is held back until then`
      : undefined;
  return { text: alertText(a), ...(status ? { status } : {}), ...(rows.length ? { buttons: rows } : {}) };
}

/** The text a founder receives for an alert. */
export function alertText(a: Pick<AlertRow, 'severity' | 'message'>): string {
  return `${ICON[a.severity]} ${a.message}`;
}

/** A burst: more than this many alerts within GROUP_WINDOW_MS go out as one message. */
export const GROUP_OVER = 3;
export const GROUP_WINDOW_MS = 10_000;
/** At most this many alerts in one grouped delivery. */
const GROUP_MAX = 50;
/** A grouped message's text stays under Telegram's 4,096 and Slack's 3,000-character section. */
const GROUP_CHARS = 2_800;

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
  /**
   * @param options.quietHours non-critical alerts wait during them (src/alerts/quiet.ts)
   * @param options.now the clock (tests move it)
   */
  constructor(
    private readonly db: pg.Pool,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: { quietHours?: QuietHours; now?: () => Date } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Records and delivers an alert.
   * @returns the stored alert, or null when an unresolved alert with the same dedupe key exists
   */
  async raise(alert: NewAlert): Promise<AlertRow | null> {
    const row = await inTransaction(this.db, async (client) => {
      const stored = await this.insert(client, alert);
      // The audit row (and with it the alert.raised event: src/events/) commits with the alert.
      if (stored) await audit(client, sourceActor(stored.source), 'alert.raised', `alert:${stored.id}`, alertFacts(stored));
      return stored;
    });
    if (!row) return null;
    if (row.held) {
      if (row.held !== 'incident') this.metrics.alertDeliveries.inc({ outcome: row.held });
      return row;
    }
    await this.deliverPending();
    return row;
  }

  /** Stores an alert unless an open one has its dedupe key. A snoozed kind (same dedupe key, else same source and text) is stored as delivered-and-held. */
  private async insert(client: pg.PoolClient, alert: NewAlert): Promise<AlertRow | null> {
    const res = await client.query<AlertRow>(
      `WITH snoozed AS (
         SELECT 1 FROM ai_system_alerts WHERE snoozed_until > now()
           AND (($5::text IS NOT NULL AND dedupe_key = $5) OR ($5::text IS NULL AND dedupe_key IS NULL AND source = $2 AND message = $3)) LIMIT 1)
       INSERT INTO ai_system_alerts (severity, source, message, details, dedupe_key, held, delivered_at)
       SELECT $1, $2, $3, $4, $5, CASE WHEN EXISTS (SELECT 1 FROM snoozed) THEN 'snoozed' ELSE $6 END, CASE WHEN EXISTS (SELECT 1 FROM snoozed) OR $6 = 'incident' THEN now() END
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND resolved_at IS NULL DO NOTHING
       RETURNING *`,
      [
        alert.severity,
        alert.source,
        alert.message,
        JSON.stringify({ ...alert.details, ...(alert.actions ? { actions: alert.actions } : {}) }),
        alert.dedupeKey ?? null,
        alert.incident ? 'incident' : alert.severity !== 'critical' && isQuiet(this.options.quietHours, this.now()) ? 'quiet' : null,
      ],
    );
    return res.rows[0] ?? null;
  }

  /**
   * ✔ Ack: records who acknowledged the alert (compare-and-set: the first tap wins) and edits every
   * message that showed it.
   * @returns the acknowledged alert, or null when it was acknowledged before (or is unknown)
   */
  async acknowledge(id: string, actor: Actor): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>(
      `UPDATE ai_system_alerts SET acknowledged_by = $2, acknowledged_at = now() WHERE id = $1 AND acknowledged_by IS NULL RETURNING *`,
      [id, actor.name],
    );
    const row = res.rows[0];
    if (row) await this.broadcaster.editAll(row.messages, alertMessage(row));
    return row ?? null;
  }

  /**
   * 💤 Snooze: for `ms`, new alerts of the same kind are stored but not sent; the messages that showed
   * this one say so.
   * @returns the snoozed alert, or null when it is unknown
   */
  async snooze(id: string, actor: Actor, ms: number): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>(
      `UPDATE ai_system_alerts SET snoozed_until = now() + make_interval(secs => $3::double precision / 1000), snoozed_by = $2 WHERE id = $1 RETURNING *`,
      [id, actor.name, ms],
    );
    const row = res.rows[0];
    if (row) await this.broadcaster.editAll(row.messages, alertMessage(row));
    return row ?? null;
  }

  /** Puts an alert in an incident. */
  async joinIncident(alertId: string, incidentId: string, db: pg.Pool | pg.PoolClient = this.db): Promise<void> {
    await db.query('UPDATE ai_system_alerts SET incident_id = $2 WHERE id = $1', [alertId, incidentId]);
  }

  /** The open incident that holds an alert with this dedupe key (the same fingerprint fired again), or null. */
  async incidentOfKey(dedupeKey: string): Promise<string | null> {
    const res = await this.db.query<{ incident_id: string }>(
      'SELECT incident_id FROM ai_system_alerts WHERE dedupe_key = $1 AND incident_id IS NOT NULL ORDER BY id DESC LIMIT 1',
      [dedupeKey],
    );
    return res.rows[0]?.incident_id ?? null;
  }

  /** An incident's alerts, oldest first. */
  async ofIncident(incidentId: string): Promise<AlertRow[]> {
    return (await this.ofIncidents([incidentId])).get(incidentId) ?? [];
  }

  /** Several incidents' alerts in one query: incident id → its alerts, oldest first. */
  async ofIncidents(incidentIds: readonly string[]): Promise<Map<string, AlertRow[]>> {
    const res = await this.db.query<AlertRow>('SELECT * FROM ai_system_alerts WHERE incident_id = ANY($1::bigint[]) ORDER BY id', [incidentIds]);
    const byIncident = new Map<string, AlertRow[]>();
    for (const row of res.rows) byIncident.set(row.incident_id!, [...(byIncident.get(row.incident_id!) ?? []), row]);
    return byIncident;
  }

  /** ✔ Ack on an incident: every alert of it not acknowledged yet, by `actor`. @returns how many */
  async acknowledgeIncident(incidentId: string, actor: Actor, db: pg.Pool | pg.PoolClient = this.db): Promise<number> {
    const res = await db.query('UPDATE ai_system_alerts SET acknowledged_by = $2, acknowledged_at = now() WHERE incident_id = $1 AND acknowledged_by IS NULL', [incidentId, actor.name]);
    return res.rowCount ?? 0;
  }

  async get(id: string): Promise<AlertRow | null> {
    const res = await this.db.query<AlertRow>('SELECT * FROM ai_system_alerts WHERE id = $1', [id]);
    return res.rows[0] ?? null;
  }

  /**
   * Ends the condition behind an open alert.
   * @param options.show edit the messages that showed it: resolved, how long it lasted, no buttons
   *   (an alert from an outside source, whose resolution is the news)
   * @returns the alert that was open (with `created_at`, to compute how long it lasted), or null if none was
   */
  async resolve(dedupeKey: string, options: { show?: boolean } = {}): Promise<AlertRow | null> {
    const row = await inTransaction(this.db, async (client) => {
      const res = await client.query<AlertRow>('UPDATE ai_system_alerts SET resolved_at = now() WHERE dedupe_key = $1 AND resolved_at IS NULL RETURNING *', [dedupeKey]);
      const resolved = res.rows[0] ?? null;
      if (resolved) await audit(client, sourceActor(resolved.source), 'alert.resolved', `alert:${resolved.id}`, { ...alertFacts(resolved), lastedMs: resolved.resolved_at!.getTime() - resolved.created_at.getTime() });
      return resolved;
    });
    if (row && options.show && row.messages?.length) await this.broadcaster.editAll(row.messages, alertMessage(row)).catch(() => undefined);
    return row;
  }

  /**
   * Delivers the outbox: undelivered alerts of the last day, oldest first. More than
   * {@link GROUP_OVER} alerts raised within {@link GROUP_WINDOW_MS} of the oldest go out as one
   * message listing them (a burst does not flood the chat or its rate limit). Stops at the first
   * alert that no chat accepted (or that another process is delivering), so a later alert never
   * overtakes it. After quiet hours, the alerts they held go out first, as one summary.
   * @returns how many alerts were delivered now
   */
  async deliverPending(): Promise<number> {
    let delivered = await this.deliverQuietSummary();
    for (;;) {
      const pending = await this.db.query<{ id: string; created_at: Date; fresh_claim: boolean }>(
        `SELECT id, created_at, (delivery_claimed_at IS NOT NULL AND delivery_claimed_at >= now() - ${CLAIM_EXPIRES}) AS fresh_claim
         FROM ai_system_alerts WHERE delivered_at IS NULL AND held IS NULL AND created_at > now() - interval '1 day'
         ORDER BY id LIMIT ${GROUP_MAX}`,
      );
      const first = pending.rows[0];
      if (!first || first.fresh_claim) return delivered;
      const burst = pending.rows.filter((r) => r.created_at.getTime() - first.created_at.getTime() <= GROUP_WINDOW_MS);
      const last = burst.length > GROUP_OVER ? burst.at(-1)! : first;
      const claimed = await this.db.query<AlertRow>(
        `UPDATE ai_system_alerts SET delivery_claimed_at = now()
         WHERE id >= $1 AND id <= $2 AND delivered_at IS NULL AND held IS NULL
           AND (delivery_claimed_at IS NULL OR delivery_claimed_at < now() - ${CLAIM_EXPIRES})
         RETURNING *`,
        [first.id, last.id],
      );
      const rows = claimed.rows.sort((a, b) => Number(a.id) - Number(b.id));
      if (rows[0]?.id !== first.id) {
        await this.release(rows);
        return delivered;
      }
      const ok = rows.length > GROUP_OVER ? await this.deliverGroup(rows) : await this.deliver(rows[0]!);
      if (!ok) {
        await this.release(rows);
        return delivered;
      }
      delivered += rows.length > GROUP_OVER ? rows.length : 1;
      if (rows.length <= GROUP_OVER) await this.release(rows.slice(1));
    }
  }

  private async release(rows: readonly AlertRow[]): Promise<void> {
    if (rows.length) await this.db.query('UPDATE ai_system_alerts SET delivery_claimed_at = NULL WHERE id >= $1 AND id <= $2 AND delivered_at IS NULL', [rows[0]!.id, rows.at(-1)!.id]);
  }

  /** A burst as messages listing the alerts, at most {@link GROUP_CHARS} characters each. */
  private async deliverGroup(rows: readonly AlertRow[]): Promise<boolean> {
    const span = Math.max(1, Math.round((rows.at(-1)!.created_at.getTime() - rows[0]!.created_at.getTime()) / 1000));
    const refs = await this.sendList(`🚨 ${rows.length} alerts in ${span}s`, rows);
    if (!refs) return false;
    await this.db.query(
      'UPDATE ai_system_alerts SET delivered_at = now(), delivery_claimed_at = NULL, messages = $3 WHERE id >= $1 AND id <= $2 AND delivered_at IS NULL AND delivery_claimed_at IS NOT NULL',
      [rows[0]!.id, rows.at(-1)!.id, JSON.stringify(refs)],
    );
    for (const r of rows) this.metrics.alertsSent.inc({ severity: r.severity });
    this.metrics.alertDeliveries.inc({ outcome: 'grouped' }, rows.length);
    return true;
  }

  /** Sends `title` and the alerts' lines, split into messages that fit a chat message. @returns the refs, or null when a chat refused one */
  private async sendList(title: string, rows: readonly AlertRow[]): Promise<MessageRef[] | null> {
    const chunks: string[][] = [[]];
    for (const line of rows.map(alertText)) {
      const current = chunks.at(-1)!;
      if (current.length && current.join('\n').length + line.length > GROUP_CHARS) chunks.push([line]);
      else current.push(line);
    }
    const refs: MessageRef[] = [];
    for (const [i, lines] of chunks.entries()) {
      const sent = await this.broadcaster.broadcast({ title: chunks.length > 1 ? `${title} (${i + 1}/${chunks.length})` : title, text: lines.join('\n') });
      if (sent.refs.length === 0 || sent.failed > 0) {
        this.metrics.alertDeliveries.inc({ outcome: 'retry_later' });
        return null;
      }
      refs.push(...sent.refs);
    }
    return refs;
  }

  /**
   * Once quiet hours are over: the non-critical alerts they held, as one summary (claimed first, so
   * two processes do not both send it). @returns how many alerts it carried
   */
  private async deliverQuietSummary(): Promise<number> {
    if (!this.options.quietHours || isQuiet(this.options.quietHours, this.now())) return 0;
    const claimed = await this.db.query<AlertRow>(
      `UPDATE ai_system_alerts SET delivery_claimed_at = now()
       WHERE held = 'quiet' AND delivered_at IS NULL AND created_at > now() - interval '1 day'
         AND (delivery_claimed_at IS NULL OR delivery_claimed_at < now() - ${CLAIM_EXPIRES})
       RETURNING *`,
    );
    const rows = claimed.rows.sort((a, b) => Number(a.id) - Number(b.id));
    if (!rows.length) return 0;
    const refs = await this.sendList(`🌙 While quiet hours lasted (${this.options.quietHours.text} ${this.options.quietHours.tz}), ${rows.length} alert${rows.length > 1 ? 's' : ''} waited`, rows);
    await this.db.query(
      `UPDATE ai_system_alerts SET delivery_claimed_at = NULL${refs ? ', delivered_at = now(), messages = $3' : ''} WHERE held = 'quiet' AND id >= $1 AND id <= $2 AND delivered_at IS NULL`,
      refs ? [rows[0]!.id, rows.at(-1)!.id, JSON.stringify(refs)] : [rows[0]!.id, rows.at(-1)!.id],
    );
    if (!refs) return 0;
    this.metrics.alertDeliveries.inc({ outcome: 'after_quiet_hours' }, rows.length);
    return rows.length;
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
      this.metrics.alertDeliveries.inc({ outcome: 'no_audience' });
      return false;
    }
    const { refs, failed } = await this.broadcaster.broadcast(alertMessage(row));
    if (refs.length === 0 || failed > 0) {
      this.metrics.alertDeliveries.inc({ outcome: 'retry_later' });
      return false;
    }
    const stored = await this.db.query<AlertRow>('UPDATE ai_system_alerts SET delivered_at = now(), delivery_claimed_at = NULL, messages = $2 WHERE id = $1 RETURNING *', [row.id, JSON.stringify(refs)]);
    // A tap can answer the alert before its message refs are stored: the answer is shown from here.
    const now = stored.rows[0];
    if (now && (now.acknowledged_by || now.snoozed_until)) await this.broadcaster.editAll(refs, alertMessage(now));
    this.metrics.alertsSent.inc({ severity: row.severity });
    this.metrics.alertDeliveries.inc({ outcome: 'delivered' });
    return true;
  }
}
