import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import type { AlertActionHandler } from './service.js';

/** How long 💤 Snooze 1h holds an alert's kind back. */
export const SNOOZE_MS = 3_600_000;

/**
 * The ✔ Ack and 💤 Snooze 1h buttons of warning and critical alerts: each records who answered
 * (audited), edits every message that showed the alert, and answers the tapper.
 */
export function alertResponses(core: Pick<Core, 'alerts' | 'db'>): { ack: AlertActionHandler; snooze: AlertActionHandler } {
  return {
    async ack(alert, actor) {
      const acked = await core.alerts.acknowledge(alert.id, actor);
      if (!acked) return `Already acknowledged by ${alert.acknowledged_by ?? 'someone'}.`;
      await audit(core.db.pool, actor, 'alert.acknowledged', `alert:${alert.id}`, { source: alert.source });
      return 'Acknowledged.';
    },
    async snooze(alert, actor) {
      const snoozed = await core.alerts.snooze(alert.id, actor, SNOOZE_MS);
      if (!snoozed) return 'This alert no longer exists.';
      await audit(core.db.pool, actor, 'alert.snoozed', `alert:${alert.id}`, { source: alert.source, until: snoozed.snoozed_until });
      return `Snoozed until ${snoozed.snoozed_until!.toISOString().slice(11, 16)} UTC: the same alert is held back until then.`;
    },
  };
}
