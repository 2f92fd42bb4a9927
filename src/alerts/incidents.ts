/**
 * Incidents: inbound alerts (src/alerts/sources/) with the same fingerprint, or for the same
 * service within `alerts.incidentWindow` (default 10 min) of the incident's latest alert, are one
 * incident. Each founder chat gets one message for it, edited as alerts join and resolve, and the
 * news (an alert joined, one resolved) as a reply in that message's thread (Telegram: a reply to it;
 * Slack: `thread_ts`). ✔ Ack, 💤 Snooze and 🩺 Diagnose act on the whole incident. It closes when
 * all its alerts are resolved. Table `incidents` (migration 0018); its alerts are
 * `ai_system_alerts.incident_id`, read and written through {@link AlertService}.
 */
import type pg from 'pg';
import { SYSTEM, type Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { Button, MessageRef, OutboundMessage } from '../channels/port.js';
import { inTransaction } from '../db/transaction.js';
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { ICON, type AlertRow, type AlertService, type Severity } from './service.js';

export interface IncidentRow {
  id: string;
  service: string | null;
  title: string;
  opened_at: Date;
  last_alert_at: Date;
  closed_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  snoozed_until: Date | null;
  snoozed_by: string | null;
  /** The incident's message in each founder chat (the thread roots). */
  messages: MessageRef[];
  /** When a process claimed sending the first message (src/alerts/incidents.ts show). */
  show_claimed_at: Date | null;
}

/** The tap action kind of incident buttons: `incident:<incident id>:<verb>` (ack, snooze, diagnose). */
export const INCIDENT_ACTION = 'incident';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const at = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
/** An alert's first line (its message may carry links on the next lines). */
const headline = (a: AlertRow) => a.message.split('\n')[0]!;

/** How severe an incident is: its most severe alert still firing (else its most severe alert). */
export function incidentSeverity(alerts: readonly AlertRow[]): Severity {
  const firing = alerts.filter((a) => !a.resolved_at);
  return (firing.length ? firing : alerts).reduce<Severity>((s, a) => (RANK[a.severity] > RANK[s] ? a.severity : s), 'info');
}

/**
 * The incident's message: title with its number and service, one line per alert (✅ and how long
 * it lasted once resolved), the status (closed, acknowledged, snoozed) and, while open, the buttons.
 * @param diagnosable whether 🩺 Diagnose applies (a configured service)
 */
export function incidentMessage(incident: IncidentRow, alerts: readonly AlertRow[], diagnosable: boolean, now = new Date()): OutboundMessage {
  const firing = alerts.filter((a) => !a.resolved_at).length;
  const lines = alerts.map((a) =>
    a.resolved_at ? `✅ ${headline(a)} (resolved after ${formatDuration(a.resolved_at.getTime() - a.created_at.getTime())})` : `${ICON[a.severity]} ${headline(a)}`,
  );
  const links = [...new Set(alerts.flatMap((a) => (Array.isArray(a.details.links) ? (a.details.links as unknown[]).filter((l): l is string => typeof l === 'string') : [])))].slice(0, 5);
  const summary = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}, ${firing} firing, since ${at(incident.opened_at)}`;
  const text = [summary, ...lines, ...links].join('\n');
  const title = `${ICON[incidentSeverity(alerts)]} Incident #${incident.id}${incident.service ? ` · ${incident.service}` : ''}`;
  if (incident.closed_at) {
    return { title: `✅ Incident #${incident.id}${incident.service ? ` · ${incident.service}` : ''}`, text, status: `✅ Closed at ${at(incident.closed_at)} after ${formatDuration(incident.closed_at.getTime() - incident.opened_at.getTime())}` };
  }
  const button = (verb: string, label: string): Button => ({ label, action: { kind: INCIDENT_ACTION, id: incident.id, verb } });
  const snoozed = incident.snoozed_until && incident.snoozed_until > now;
  const rows = [diagnosable ? [button('diagnose', '🩺 Diagnose')] : [], incident.acknowledged_by || snoozed ? [] : [button('ack', '✔ Ack'), button('snooze', '💤 Snooze 1h')]].filter((r) => r.length);
  const status = incident.acknowledged_by
    ? `✔ Acknowledged by ${incident.acknowledged_by}${incident.acknowledged_at ? ` at ${at(incident.acknowledged_at)}` : ''}`
    : snoozed
      ? `💤 Snoozed by ${incident.snoozed_by} until ${at(incident.snoozed_until!)}: new alerts join without a reply`
      : undefined;
  return { title, text, ...(status ? { status } : {}), ...(rows.length ? { buttons: rows } : {}) };
}

export class Incidents {
  /**
   * @param options.windowMs alerts.incidentWindow
   * @param options.diagnosable whether a service is configured (🩺 Diagnose applies)
   */
  constructor(
    private readonly db: pg.Pool,
    private readonly alerts: Pick<AlertService, 'incidentOfKey' | 'joinIncident' | 'ofIncident' | 'ofIncidents' | 'acknowledgeIncident'>,
    private readonly broadcaster: Broadcaster,
    private readonly log: Logger,
    private readonly options: { windowMs: number; diagnosable: (service: string) => boolean },
  ) {}

  async get(id: string): Promise<IncidentRow | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const res = await this.db.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]);
    return res.rows[0] ?? null;
  }

  /** Open incidents, newest first, with their alerts. */
  async open(limit = 20): Promise<Array<{ incident: IncidentRow; alerts: AlertRow[] }>> {
    const res = await this.db.query<IncidentRow>('SELECT * FROM incidents WHERE closed_at IS NULL ORDER BY id DESC LIMIT $1', [limit]);
    const alerts = await this.alerts.ofIncidents(res.rows.map((i) => i.id));
    return res.rows.map((incident) => ({ incident, alerts: alerts.get(incident.id) ?? [] }));
  }

  /**
   * New inbound alerts (stored with `incident: true`; one delivery's, in order): each joins the open
   * incident that holds its fingerprint, else the open incident of its service whose latest alert
   * is within the window, else opens one. Then each incident they touched is shown once: a new one
   * as one message per founder chat listing them all; an existing one edited, with the joined
   * alerts as one reply in its thread (none while it is snoozed).
   * @returns the incidents, in the order they were touched
   */
  async addAll(alerts: readonly AlertRow[]): Promise<IncidentRow[]> {
    const touched = new Map<string, { incident: IncidentRow; joined: AlertRow[] }>();
    for (const alert of alerts) {
      const incident = await this.join(alert);
      const seen = touched.get(incident.id);
      if (seen) seen.joined.push(alert);
      else touched.set(incident.id, { incident, joined: [alert] });
    }
    for (const { incident, joined } of touched.values()) {
      const shown = await this.show(incident.id);
      // Not shown yet (another delivery is sending its first message, which will list these alerts), or shown just now.
      if (!shown) continue;
      const all = await this.alerts.ofIncident(incident.id);
      await this.broadcaster.editAll(shown.messages, this.message(shown, all));
      if (!(shown.snoozed_until && shown.snoozed_until > new Date())) await this.reply(shown, { text: joined.map((a) => `${ICON[a.severity]} Joined: ${a.message}`).join('\n') });
    }
    return [...touched.values()].map((t) => t.incident);
  }

  /**
   * Makes sure the incident's first message is out. The first caller claims sending it (a claim
   * older than a minute — a process that died, or chats that refused it — is taken over) and sends
   * it with every alert joined so far, then edits it when more joined meanwhile; the others leave it
   * to that caller.
   * @returns the incident when it had been shown before this call (its message is edited and
   *   answered by the caller), null when this call sent it or another is sending it
   */
  private async show(id: string): Promise<IncidentRow | null> {
    const claimed = (
      await this.db.query<IncidentRow>(
        `UPDATE incidents SET show_claimed_at = now()
         WHERE id = $1 AND messages = '[]'::jsonb AND (show_claimed_at IS NULL OR show_claimed_at < now() - interval '1 minute')
         RETURNING *`,
        [id],
      )
    ).rows[0];
    if (!claimed) {
      const now = (await this.db.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id])).rows[0]!;
      return now.messages.length ? now : null;
    }
    const alerts = await this.alerts.ofIncident(id);
    const { refs, failed } = await this.broadcaster.broadcast(this.message(claimed, alerts));
    if (failed) this.log.warn({ incident: id, failed }, 'incident: a founder chat did not take its message');
    if (!refs.length) return null;
    const stored = (await this.db.query<IncidentRow>('UPDATE incidents SET messages = $2 WHERE id = $1 RETURNING *', [id, JSON.stringify(refs)])).rows[0]!;
    // Alerts that joined while it was being sent: the message shows them too.
    const after = await this.alerts.ofIncident(id);
    if (after.length !== alerts.length) await this.broadcaster.editAll(refs, this.message(stored, after));
    return null;
  }

  /**
   * Puts one alert in its incident, opening one when none fits (audited `incident.opened` or
   * `incident.alert_added` with it). Serialised per service (an advisory lock), so a burst makes one incident.
   */
  private async join(alert: AlertRow): Promise<IncidentRow> {
    const service = typeof alert.details.service === 'string' ? alert.details.service : null;
    const sameKey = alert.dedupe_key ? await this.alerts.incidentOfKey(alert.dedupe_key) : null;
    return inTransaction(this.db, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`incident:${service ?? ''}`]);
      const found = await client.query<IncidentRow>(
        `UPDATE incidents SET last_alert_at = now()
         WHERE id = (SELECT id FROM incidents WHERE closed_at IS NULL
                       AND (id = $1 OR ($2::text IS NOT NULL AND service = $2 AND last_alert_at > now() - make_interval(secs => $3::double precision / 1000)))
                     ORDER BY (id = $1) DESC, id DESC LIMIT 1)
         RETURNING *`,
        [sameKey ?? '0', service, this.options.windowMs],
      );
      let row = found.rows[0];
      if (!row) {
        row = (await client.query<IncidentRow>('INSERT INTO incidents (service, title) VALUES ($1, $2) RETURNING *', [service, headline(alert)])).rows[0]!;
        await audit(client, SYSTEM, 'incident.opened', `incident:${row.id}`, { ...(service ? { service } : {}), title: row.title, alert: alert.id, severity: alert.severity });
      } else {
        await audit(client, SYSTEM, 'incident.alert_added', `incident:${row.id}`, { ...(service ? { service } : {}), alert: alert.id, severity: alert.severity, message: headline(alert).slice(0, 500) });
      }
      await this.alerts.joinIncident(alert.id, row.id, client);
      return row;
    });
  }

  /**
   * One of an incident's alerts resolved: the message is edited; the news goes to its thread; when
   * none is left firing, the incident closes (audited `incident.closed`).
   * @returns the incident after it
   */
  async alertResolved(alert: AlertRow): Promise<IncidentRow | null> {
    if (!alert.incident_id) return null;
    const alerts = await this.alerts.ofIncident(alert.incident_id);
    const firing = alerts.filter((a) => !a.resolved_at).length;
    const lasted = alert.resolved_at ? ` after ${formatDuration(alert.resolved_at.getTime() - alert.created_at.getTime())}` : '';
    const incident = await inTransaction(this.db, async (client) => {
      if (firing > 0) {
        await audit(client, SYSTEM, 'incident.alert_resolved', `incident:${alert.incident_id}`, { alert: alert.id, firing });
        return (await client.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [alert.incident_id])).rows[0] ?? null;
      }
      const closed = (await client.query<IncidentRow>('UPDATE incidents SET closed_at = now() WHERE id = $1 AND closed_at IS NULL RETURNING *', [alert.incident_id])).rows[0];
      if (closed) await audit(client, SYSTEM, 'incident.closed', `incident:${closed.id}`, { ...(closed.service ? { service: closed.service } : {}), alerts: alerts.length, lastedMs: closed.closed_at!.getTime() - closed.opened_at.getTime() });
      return closed ?? null;
    });
    if (!incident) return null;
    await this.broadcaster.editAll(incident.messages, this.message(incident, alerts));
    const news = incident.closed_at
      ? `✅ ${headline(alert)} resolved${lasted}. All ${alerts.length} alert${alerts.length === 1 ? '' : 's'} resolved: incident closed after ${formatDuration(incident.closed_at.getTime() - incident.opened_at.getTime())}.`
      : `✅ ${headline(alert)} resolved${lasted}; ${firing} still firing.`;
    await this.reply(incident, { text: news });
    return incident;
  }

  /**
   * ✔ Ack: the incident and every alert in it, by `actor` (compare-and-set: the first tap wins);
   * its messages are edited. @returns the incident, or null when it was acknowledged before (or is unknown)
   */
  async acknowledge(id: string, actor: Actor): Promise<IncidentRow | null> {
    const row = await inTransaction(this.db, async (client) => {
      const won = (await client.query<IncidentRow>('UPDATE incidents SET acknowledged_by = $2, acknowledged_at = now() WHERE id = $1 AND acknowledged_by IS NULL RETURNING *', [id, actor.name])).rows[0];
      if (!won) return null;
      const alerts = await this.alerts.acknowledgeIncident(id, actor, client);
      await audit(client, actor, 'incident.acknowledged', `incident:${id}`, { ...(won.service ? { service: won.service } : {}), alerts });
      return won;
    });
    if (!row) return null;
    await this.broadcaster.editAll(row.messages, this.message(row, await this.alerts.ofIncident(id)));
    return row;
  }

  /** 💤 Snooze: for `ms`, alerts that join the incident edit its message but send no reply. @returns the incident, or null when unknown */
  async snooze(id: string, actor: Actor, ms: number): Promise<IncidentRow | null> {
    const row = await inTransaction(this.db, async (client) => {
      const snoozed = (
        await client.query<IncidentRow>('UPDATE incidents SET snoozed_until = now() + make_interval(secs => $3::double precision / 1000), snoozed_by = $2 WHERE id = $1 AND closed_at IS NULL RETURNING *', [id, actor.name, ms])
      ).rows[0];
      if (snoozed) await audit(client, actor, 'incident.snoozed', `incident:${id}`, { ...(snoozed.service ? { service: snoozed.service } : {}), until: snoozed.snoozed_until });
      return snoozed ?? null;
    });
    if (!row) return null;
    await this.broadcaster.editAll(row.messages, this.message(row, await this.alerts.ofIncident(id)));
    return row;
  }

  private message(incident: IncidentRow, alerts: readonly AlertRow[]): OutboundMessage {
    return incidentMessage(incident, alerts, incident.service !== null && this.options.diagnosable(incident.service));
  }

  private async reply(incident: IncidentRow, message: OutboundMessage): Promise<void> {
    if (!incident.messages.length) return;
    const { failed } = await this.broadcaster.replyAll(incident.messages, message);
    if (failed) this.log.warn({ incident: incident.id, failed }, 'incident: a reply was not taken');
  }
}
