-- Alerts people can act on: where each alert was shown (to edit it after ✔ Ack or 💤 Snooze), and
-- a snooze that holds back its kind (same dedupe key, else same source and text) until it ends.
-- Owned by src/alerts/service.ts.
ALTER TABLE ai_system_alerts ADD COLUMN messages jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE ai_system_alerts ADD COLUMN snoozed_until timestamptz;
ALTER TABLE ai_system_alerts ADD COLUMN snoozed_by text;
-- Raised while its kind was snoozed: stored, not sent.
ALTER TABLE ai_system_alerts ADD COLUMN held text;
