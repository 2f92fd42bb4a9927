-- AUREA schema v1: the walking skeleton's tables (names from DESIGN §5).
CREATE EXTENSION IF NOT EXISTS vector;

-- Append-only record of everything that changed the world or was refused.
CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,            -- "telegram:123", "system", "agent:system-monitor"
  action    text NOT NULL,            -- "command.refused", "deploy.started", "approval.approved" …
  target    text,
  details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Each inbound event (Telegram update_id, Slack event_id, Stripe event.id) is handled once.
CREATE TABLE processed_updates (
  platform    text NOT NULL,
  update_id   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, update_id)
);

CREATE TABLE ai_agent_registry (
  name        text PRIMARY KEY,
  description text NOT NULL,
  schedule    text NOT NULL,            -- "every 5m" or "cron 0 9 * * * Europe/Paris"
  enabled     boolean NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_agent_executions (
  id            bigserial PRIMARY KEY,
  agent_name    text NOT NULL,
  job_id        text,
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  error_message text,
  output        jsonb
);
CREATE INDEX ai_agent_executions_agent ON ai_agent_executions (agent_name, started_at DESC);

CREATE TABLE ai_system_alerts (
  id              bigserial PRIMARY KEY,
  created_at      timestamptz NOT NULL DEFAULT now(),
  severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  source          text NOT NULL,
  message         text NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key      text,                 -- one open alert per key while the condition persists
  resolved_at     timestamptz,
  delivered_at    timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz
);
CREATE UNIQUE INDEX ai_system_alerts_open_key ON ai_system_alerts (dedupe_key)
  WHERE dedupe_key IS NOT NULL AND resolved_at IS NULL;
CREATE INDEX ai_system_alerts_undelivered ON ai_system_alerts (created_at) WHERE delivered_at IS NULL;

CREATE TABLE approvals (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,           -- "deploy"
  payload      jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  requested_by text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_by   text,
  decided_via  text,
  decided_at   timestamptz,
  thread_id    text NOT NULL UNIQUE,    -- the LangGraph thread paused on this approval
  messages     jsonb NOT NULL DEFAULT '[]'::jsonb  -- [{channel, chatId, messageId}] where it was shown
);
CREATE INDEX approvals_pending ON approvals (created_at) WHERE status = 'pending';
