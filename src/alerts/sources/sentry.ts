/**
 * `POST /webhooks/sentry`: Sentry's integration-platform webhooks (docs.sentry.io, "Integration
 * Platform → Webhooks"), verified by `Sentry-Hook-Signature`: the HMAC-SHA256 (hex) of the body with
 * the integration's client secret (SENTRY_CLIENT_SECRET), compared in constant time (401 otherwise,
 * nothing stored). Each `Request-ID` is handled once. Resources (`Sentry-Hook-Resource`):
 *
 * - `issue`: `created` fires an alert keyed by the issue id, `resolved` resolves it (others ignored);
 * - `event_alert` (an alert rule fired on an event): `triggered` fires the alert of its issue;
 * - `metric_alert`: `critical` / `warning` fire (that severity), `resolved` resolves.
 *
 * The service is the Sentry project's slug (`alerts.sources.sentry.serviceLabel`, default `service`,
 * names the label that carries it); a malformed body → 400 naming the field.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Core } from '../../core.js';
import { readBody } from '../../http/body.js';
import type { RouteHandler } from '../../http/server.js';
import { handleOnce } from '../../updates/once.js';
import { sendJson } from '../../http/json.js';
import { MAX_BODY, takeAlerts, type InboundAlert } from './inbound.js';

const issue = z.object({ id: z.string(), title: z.string(), culprit: z.string().nullable().optional(), level: z.string().optional(), permalink: z.string().optional(), project: z.object({ slug: z.string() }) });
const issueBody = z.object({ action: z.string(), data: z.object({ issue }) });
const eventBody = z.object({ action: z.string(), data: z.object({ event: z.object({ issue_id: z.string(), title: z.string(), culprit: z.string().nullable().optional(), level: z.string().optional(), web_url: z.string().optional(), environment: z.string().optional(), project: z.union([z.string(), z.number()]).optional() }), issue_alert: z.object({ title: z.string() }).optional() }) });
const metricBody = z.object({ action: z.enum(['critical', 'warning', 'resolved']), data: z.object({ metric_alert: z.object({ id: z.string(), title: z.string(), alert_rule: z.object({ name: z.string(), projects: z.array(z.string()).optional() }).optional() }), description_text: z.string().optional(), web_url: z.string().optional() }) });

/** The HMAC-SHA256 (hex) of `body` with `secret` equals `signature` (constant time). */
function signed(secret: string, body: string, signature: string): boolean {
  const digest = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'));
  const given = Buffer.from(signature);
  return given.length === digest.length && timingSafeEqual(given, digest);
}

export function sentryWebhookRoute(deps: Pick<Core, 'config' | 'db' | 'alerts' | 'incidents' | 'log'>, secret: string): RouteHandler {
  const label = deps.config.alerts.sources.sentry.serviceLabel;
  return async (req, res) => {
    const raw = await readBody(req, MAX_BODY);
    if (raw === null) return sendJson(res, 413, { error: `body over ${MAX_BODY} bytes` });
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON' });
    }
    // Sentry's reference integration signs JSON.stringify(body); the raw body is the same text when Sentry sends it compact.
    const signature = String(req.headers['sentry-hook-signature'] ?? req.headers['sentry-app-signature'] ?? '');
    if (!signature || !(signed(secret, text, signature) || signed(secret, JSON.stringify(json), signature))) {
      return sendJson(res, 401, { error: 'Sentry-Hook-Signature does not match the body signed with SENTRY_CLIENT_SECRET' });
    }
    const resource = String(req.headers['sentry-hook-resource'] ?? '');
    const requestId = String(req.headers['request-id'] ?? '');
    if (!requestId) return sendJson(res, 400, { error: 'Request-ID is required' });
    let alerts: InboundAlert[];
    const parse = <S extends z.ZodType>(schema: S): z.output<S> | string => {
      const r = schema.safeParse(json);
      return r.success ? r.data : `${r.error.issues[0]!.path.join('.') || '(body)'}: ${r.error.issues[0]!.message}`;
    };
    if (resource === 'issue') {
      const b = parse(issueBody);
      if (typeof b === 'string') return sendJson(res, 400, { error: b });
      const i = b.data.issue;
      const status = b.action === 'created' ? 'firing' : b.action === 'resolved' ? 'resolved' : null;
      alerts = status ? [{ status, fingerprint: `issue:${i.id}`, title: i.title, severity: i.level, labels: { [label]: i.project.slug, project: i.project.slug }, annotations: i.culprit ? { summary: i.culprit } : {}, links: i.permalink ? [i.permalink] : [] }] : [];
    } else if (resource === 'event_alert') {
      const b = parse(eventBody);
      if (typeof b === 'string') return sendJson(res, 400, { error: b });
      const e = b.data.event;
      const project = typeof e.project === 'string' ? e.project : undefined;
      alerts = b.action === 'triggered' ? [{ status: 'firing', fingerprint: `issue:${e.issue_id}`, title: e.title, severity: e.level, labels: { ...(project ? { [label]: project } : {}), ...(e.environment ? { environment: e.environment } : {}) }, annotations: e.culprit ? { summary: e.culprit } : {}, links: e.web_url ? [e.web_url] : [] }] : [];
    } else if (resource === 'metric_alert') {
      const b = parse(metricBody);
      if (typeof b === 'string') return sendJson(res, 400, { error: b });
      const m = b.data.metric_alert;
      const project = m.alert_rule?.projects?.[0];
      alerts = [{ status: b.action === 'resolved' ? 'resolved' : 'firing', fingerprint: `metric:${m.id}`, title: m.title, severity: b.action === 'resolved' ? undefined : b.action, labels: project ? { [label]: project } : {}, annotations: b.data.description_text ? { summary: b.data.description_text } : {}, links: b.data.web_url ? [b.data.web_url] : [] }];
    } else {
      return sendJson(res, 200, { received: true, ignored: resource || 'no Sentry-Hook-Resource' });
    }
    let done = { raised: 0, resolved: 0 };
    const outcome = await handleOnce(deps.db.pool, 'sentry', requestId, async () => {
      done = await takeAlerts(deps, 'sentry', alerts);
    });
    if (outcome === 'duplicate') return sendJson(res, 200, { received: true, duplicate: true });
    deps.log.info({ resource, requestId, ...done }, 'sentry webhook');
    return sendJson(res, 200, done);
  };
}
