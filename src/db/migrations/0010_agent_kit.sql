-- The agent kit: founders pause, resume and reschedule agents from chat (persisted here, so a
-- restart keeps them; aurea.config.yaml stays the default), each agent has a missed-run policy, and
-- a run retried after a crash (stalled-job recovery) continues its own row. Owned by src/agents/store.ts.
ALTER TABLE ai_agent_registry
  ADD COLUMN paused boolean NOT NULL DEFAULT false,
  ADD COLUMN schedule_override jsonb,
  ADD COLUMN missed text NOT NULL DEFAULT 'once' CHECK (missed IN ('skip', 'once', 'notify')),
  -- Since when the agent has been expected to run: its registration, last /resume, /schedule or re-enable.
  ADD COLUMN active_since timestamptz NOT NULL DEFAULT now();

ALTER TABLE ai_agent_executions DROP CONSTRAINT ai_agent_executions_status_check;
ALTER TABLE ai_agent_executions ADD CONSTRAINT ai_agent_executions_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'));
-- What started the run: its schedule, a founder (/run), or a catch-up after downtime.
ALTER TABLE ai_agent_executions ADD COLUMN trigger text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual', 'catch-up'));
ALTER TABLE ai_agent_executions ADD COLUMN attempts integer NOT NULL DEFAULT 1;
ALTER TABLE ai_agent_executions ADD COLUMN duration_ms integer;
