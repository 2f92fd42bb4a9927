/**
 * Alerts from the monitoring the founder already runs, each a route on AUREA's HTTP server behind
 * `Authorization: Bearer <ALERTS_TOKEN>` (401 without it, nothing stored):
 *
 * - `POST /webhooks/alertmanager`: Alertmanager's webhook payload, version 4 (Alertmanager docs,
 *   configuration, `<webhook_config>`), or Grafana's webhook contact point (the same shape with
 *   Grafana's extra fields, `"version": "1"`);
 * - `POST /webhooks/alert`: a generic JSON alert (README "Alert sources"), for uptime checkers and scripts;
 * - `POST /webhooks/sentry`: src/alerts/sources/sentry.ts (its own signature instead of the token).
 *
 * Each alert becomes an AUREA alert: its severity mapped (`alerts.sources.<source>.severity`, else
 * critical/warning/info by name, else warning), a stable fingerprint as its dedupe key (a re-sent
 * firing alert adds nothing while it is open), the service from a label
 * (`alerts.sources.<source>.serviceLabel`, default `service`), its annotations and links kept. The
 * new alerts of one delivery join their incidents together (src/alerts/incidents.ts: one message per
 * chat, 🩺 Diagnose for a configured service); a resolved one edits its incident's message and says
 * so in its thread. A malformed payload → 400 naming the field, nothing stored.
 */
import { z } from 'zod';
import type { Core } from '../../core.js';
import { presentsToken } from '../../http/admin.js';
import { readBody } from '../../http/body.js';
import { sendJson } from '../../http/json.js';
import type { RouteHandler } from '../../http/server.js';
import type { AlertRow, NewAlert } from '../service.js';

type Severity = NewAlert['severity'];
export type InboundDeps = Pick<Core, 'config' | 'alerts' | 'incidents' | 'log'>;

/** One alert as AUREA takes it from any source. */
export interface InboundAlert {
  status: 'firing' | 'resolved';
  fingerprint: string;
  title: string;
  severity: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: string[];
}

const strings = z.record(z.string(), z.string());

/** Alertmanager's webhook body, version 4: the fields AUREA reads (others are allowed and ignored). */
export const alertmanagerSchema = z.object({
  // Alertmanager sends "4"; Grafana's webhook contact point sends the same shape as "1" (its docs, "JSON payload").
  version: z.enum(['4', '1'], { error: 'expected "4" (Alertmanager webhook payload version 4) or "1" (Grafana\'s webhook contact point)' }),
  status: z.enum(['firing', 'resolved']),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: strings,
        annotations: strings.default({}),
        startsAt: z.string(),
        endsAt: z.string().optional(),
        generatorURL: z.string().default(''),
        fingerprint: z.string().min(1),
      }),
    )
    .min(1),
});

/** The generic alert (README "Alert sources"). */
export const genericSchema = z.object({
  status: z.enum(['firing', 'resolved']).default('firing'),
  fingerprint: z.string().min(1).max(200),
  title: z.string().min(1).max(500),
  severity: z.string().max(40).optional(),
  service: z.string().max(100).optional(),
  description: z.string().max(4_000).optional(),
  url: z.url().optional(),
  labels: strings.default({}),
});

/** The severity a source's word maps to: the configured map, then AUREA's own three words, else warning. */
export function mapSeverity(word: string | undefined, map: Record<string, Severity>): Severity {
  const w = (word ?? '').toLowerCase();
  if (map[w]) return map[w]!;
  if (w === 'critical' || w === 'warning' || w === 'info') return w;
  if (w === 'error' || w === 'fatal' || w === 'page' || w === 'high') return 'critical';
  return 'warning';
}

/** Raises or resolves AUREA's alert for each inbound one. @returns how many were raised and resolved */
export async function takeAlerts(deps: InboundDeps, source: 'alertmanager' | 'generic' | 'sentry', alerts: InboundAlert[]): Promise<{ raised: number; resolved: number }> {
  const settings = deps.config.alerts.sources[source];
  let raised = 0;
  let resolved = 0;
  const fresh: AlertRow[] = [];
  for (const a of alerts) {
    const key = `${source}:${a.fingerprint}`;
    if (a.status === 'resolved') {
      const was = await deps.alerts.resolve(key, { show: true });
      if (was) resolved++;
      if (was?.incident_id) await deps.incidents.alertResolved(was);
      continue;
    }
    const service = a.labels[settings.serviceLabel];
    const summary = a.annotations.summary ?? a.annotations.description ?? a.annotations.message;
    const row = await deps.alerts.raise({
      severity: mapSeverity(a.severity, settings.severity),
      source,
      message: `${service ? `${service}: ` : ''}${a.title}${summary ? ` — ${summary}` : ''}${a.links.length ? `\n${a.links.join('\n')}` : ''}`,
      dedupeKey: key,
      details: { ...(service ? { service } : {}), error: `${a.title}${summary ? `: ${summary}` : ''}`, labels: a.labels, annotations: a.annotations, links: a.links, fingerprint: a.fingerprint },
      // Shown by its incident (src/alerts/incidents.ts), whose 🩺 Diagnose covers a configured service.
      incident: true,
    });
    if (!row) continue;
    raised++;
    fresh.push(row);
  }
  // One delivery's new alerts join their incidents together: a grouped notification is one message.
  if (fresh.length) await deps.incidents.addAll(fresh);
  return { raised, resolved };
}


/** Inbound payloads are small; more is refused unread. */
export const MAX_BODY = 1024 * 1024;

/**
 * A route for one source: bearer token, JSON, schema (400 naming the first bad field), then
 * {@link takeAlerts}. Answers 200 `{ raised, resolved }`.
 */
function inboundRoute<S extends z.ZodType>(deps: InboundDeps, token: string, source: 'alertmanager' | 'generic', schema: S, toAlerts: (body: z.output<S>) => InboundAlert[]): RouteHandler {
  return async (req, res) => {
    if (!presentsToken(req, token)) return sendJson(res, 401, { error: 'Authorization: Bearer <ALERTS_TOKEN> is required' });
    const body = await readBody(req, MAX_BODY);
    if (body === null) return sendJson(res, 413, { error: `body over ${MAX_BODY} bytes` });
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON' });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return sendJson(res, 400, { error: `${issue.path.join('.') || '(body)'}: ${issue.message}` });
    }
    const done = await takeAlerts(deps, source, toAlerts(parsed.data));
    deps.log.info({ source, ...done }, 'inbound alerts');
    return sendJson(res, 200, done);
  };
}

/** `POST /webhooks/alertmanager` (Alertmanager, or Grafana's webhook contact point). */
export function alertmanagerRoute(deps: InboundDeps, token: string): RouteHandler {
  return inboundRoute(deps, token, 'alertmanager', alertmanagerSchema, (body) =>
    body.alerts.map((a) => ({
      status: a.status,
      fingerprint: a.fingerprint,
      title: a.labels.alertname ?? 'alert',
      severity: a.labels.severity,
      labels: a.labels,
      annotations: a.annotations,
      links: [a.generatorURL, a.annotations.runbook_url].filter((l): l is string => Boolean(l)),
    })),
  );
}

/** `POST /webhooks/alert`: the generic schema. */
export function genericAlertRoute(deps: InboundDeps, token: string): RouteHandler {
  return inboundRoute(deps, token, 'generic', genericSchema, (a) => [
    {
      status: a.status,
      fingerprint: a.fingerprint,
      title: a.title,
      severity: a.severity,
      labels: { ...a.labels, ...(a.service ? { [deps.config.alerts.sources.generic.serviceLabel]: a.service } : {}) },
      annotations: (a.description ? { description: a.description } : {}) as Record<string, string>,
      links: a.url ? [a.url] : [],
    },
  ]);
}
