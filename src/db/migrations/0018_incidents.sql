-- Incidents (src/alerts/incidents.ts): inbound alerts with the same fingerprint, or for the same
-- service within alerts.incidentWindow, are one incident: one message per founder chat (its
-- `messages`), edited as alerts join and resolve, with the alerts' news as replies in its thread.
-- Closed when all its alerts are resolved. Owned by src/alerts/incidents.ts; an alert's incident is
-- ai_system_alerts.incident_id (owned by src/alerts/service.ts).
CREATE TABLE incidents (
  id              bigserial PRIMARY KEY,
  service         text,
  title           text NOT NULL,
  opened_at       timestamptz NOT NULL DEFAULT now(),
  last_alert_at   timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz,
  snoozed_until   timestamptz,
  snoozed_by      text,
  messages        jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Who sends the first message is claimed: concurrent deliveries for one new incident send one.
  show_claimed_at timestamptz
);
CREATE INDEX incidents_open ON incidents (service, last_alert_at) WHERE closed_at IS NULL;

ALTER TABLE ai_system_alerts ADD COLUMN incident_id bigint REFERENCES incidents (id);
CREATE INDEX ai_system_alerts_incident ON ai_system_alerts (incident_id) WHERE incident_id IS NOT NULL;
-- The incident of a fingerprint that fires again (src/alerts/service.ts incidentOfKey), for every new inbound alert.
CREATE INDEX ai_system_alerts_incident_key ON ai_system_alerts (dedupe_key, id) WHERE incident_id IS NOT NULL;
