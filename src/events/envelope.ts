/**
 * An event as the world reads it: a CloudEvents 1.0 envelope (github.com/cloudevents/spec,
 * spec.md) built with the `cloudevents` package from one outbox row.
 *
 * - `id`: the outbox row's UUID (also the Standard Webhooks `webhook-id`: the same on every retry);
 * - `type`: `com.aurea.` + the audited action (`com.aurea.deploy.succeeded`);
 * - `source`: `aurea://<instance>/<service>` (the service from a `service:<name>` target or the
 *   row's `service` detail), or `aurea://<instance>` for changes of no one service;
 * - `subject`: what changed (`service:billing`, `task:12`, `approval:7`, `incident:3`): a
 *   subscriber receives one subject's events in order;
 * - `time`: when it was audited; `data`: the actor and the audited details (never secrets).
 */
import type { CloudEvent } from 'cloudevents';

/** The CloudEvents `type` prefix (reverse-DNS, as the spec recommends). */
export const TYPE_PREFIX = 'com.aurea.';

/** The outbox row an event is built from (src/events/outbox.ts). */
export interface OutboxEvent {
  /** The outbox sequence (internal: cursors and ordering only, never shown as an id). */
  id: string;
  event_id: string;
  action: string;
  target: string | null;
  actor: string;
  details: Record<string, unknown>;
  at: Date;
}

/** The event's data: who acted, and the audited details. */
export interface EventData {
  actor: { id: string; name?: string };
  [detail: string]: unknown;
}

/** The service an event concerns, if one. */
export function serviceOf(row: Pick<OutboxEvent, 'target' | 'details'>): string | undefined {
  if (row.target?.startsWith('service:')) return row.target.slice('service:'.length);
  const s = row.details.service;
  return typeof s === 'string' && s ? s : undefined;
}

/**
 * The CloudEvent of an outbox row. The `cloudevents` package is loaded on first use (it is not
 * needed to start AUREA).
 * @param instance the `events.instance` setting (a host-like name)
 * @throws ValidationError (the `cloudevents` package's) when an attribute breaks the spec (it cannot here: every attribute is built)
 */
export async function cloudEventOf(row: OutboxEvent, instance: string): Promise<CloudEvent<EventData>> {
  const { CloudEvent } = await import('cloudevents');
  const { name, ...details } = row.details;
  const service = serviceOf(row);
  return new CloudEvent<EventData>({
    specversion: '1.0',
    id: row.event_id,
    type: `${TYPE_PREFIX}${row.action}`,
    source: `aurea://${instance}${service ? `/${encodeURIComponent(service)}` : ''}`,
    subject: row.target ?? row.action,
    time: row.at.toISOString(),
    datacontenttype: 'application/json',
    data: { actor: { id: row.actor, ...(typeof name === 'string' ? { name } : {}) }, ...details },
  });
}
