/**
 * The buttons of an incident's message (`incident:<id>:<verb>`): ✔ Ack and 💤 Snooze 1h act on
 * the incident and all its alerts; 🩺 Diagnose runs the diagnoser (graphs/task/actions/diagnose.ts)
 * on the incident, with its alerts' annotations, links and, for Sentry issues when SENTRY_TOKEN is
 * set, the top frames of the issue's latest event as evidence.
 */
import type { TapHandler } from '../channels/action.js';
import type { Core } from '../core.js';
import type { Incidents } from './incidents.js';
import { SNOOZE_MS } from './responses.js';
import type { AlertRow } from './service.js';
import { sentryStackTop } from './sources/sentry-api.js';

export type IncidentTapDeps = Pick<Core, 'config' | 'alerts' | 'alertActions'> & { incidents: Incidents };

/** The evidence of an incident's alerts: each one's annotations and links, and Sentry's stack top where it applies. */
export async function incidentEvidence(deps: Pick<Core, 'config'>, alerts: readonly AlertRow[]): Promise<string> {
  const { sentryToken, sentryApiUrl } = deps.config.alerts;
  const issueOf = (a: AlertRow) => (a.source === 'sentry' && typeof a.details.fingerprint === 'string' && a.details.fingerprint.startsWith('issue:') ? a.details.fingerprint.slice('issue:'.length) : null);
  // Each Sentry issue once, all at the same time (the tap waits for them: at most 5 s in all).
  const issues = sentryToken ? [...new Set(alerts.map(issueOf).filter((i): i is string => i !== null))].slice(0, MAX_SENTRY_ISSUES) : [];
  const frames = new Map(await Promise.all(issues.map(async (i) => [i, await sentryStackTop({ url: sentryApiUrl, token: sentryToken! }, i, 5_000)] as const)));
  return alerts
    .map((a) => {
      const annotations = Object.entries((a.details.annotations ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string');
      const links = Array.isArray(a.details.links) ? (a.details.links as unknown[]).filter((l) => typeof l === 'string') : [];
      const issue = issueOf(a);
      return [
        `Alert (${a.source}${a.resolved_at ? ', resolved' : ', firing'}): ${a.message.split('\n')[0]}`,
        ...annotations.map(([k, v]) => `  ${k}: ${String(v).slice(0, 500)}`),
        ...links.map((l) => `  link: ${String(l)}`),
        ...(issue && frames.has(issue) ? [frames.get(issue)!] : []),
      ].join('\n');
    })
    .join('\n');
}

/** Sentry issues whose latest event one Diagnose reads. */
const MAX_SENTRY_ISSUES = 5;

export function incidentTapHandler(deps: IncidentTapDeps): TapHandler {
  return async ({ action, actor }) => {
    const incident = await deps.incidents.get(action.id);
    if (!incident) return 'This incident no longer exists.';
    switch (action.verb) {
      case 'ack': {
        const acked = await deps.incidents.acknowledge(incident.id, actor);
        return acked ? `Acknowledged incident #${incident.id} and its alerts.` : `Already acknowledged by ${incident.acknowledged_by ?? 'someone'}.`;
      }
      case 'snooze': {
        const snoozed = await deps.incidents.snooze(incident.id, actor, SNOOZE_MS);
        return snoozed ? `Snoozed until ${snoozed.snoozed_until!.toISOString().slice(11, 16)} UTC: new alerts join incident #${incident.id} without a reply.` : 'This incident is closed.';
      }
      case 'diagnose': {
        const diagnose = deps.alertActions.get('diagnose');
        const alerts = await deps.alerts.ofIncident(incident.id);
        const first = alerts.find((a) => !a.resolved_at) ?? alerts[0];
        if (!diagnose || !first || !incident.service) return 'This incident has nothing to diagnose.';
        const evidence = await incidentEvidence(deps, alerts);
        return diagnose({ ...first, details: { ...first.details, service: incident.service, error: incident.title, evidence } }, actor);
      }
      default:
        return 'This button is no longer valid.';
    }
  };
}
