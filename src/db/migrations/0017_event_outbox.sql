-- Outgoing events (src/events/). Every audited state change of the event families (deploy.*,
-- task.* but task.tool.*, approval.*, alert.*, incident.*, agent.run.*, payment.*) is also an
-- event: the INSERT that writes its audit row writes the event too (the trigger below), in the same
-- transaction, so there is never an event without its audit row nor the other way round, whoever
-- writes the row. `event_id` is the CloudEvents id and the Standard Webhooks `webhook-id` (a UUID,
-- never a sequence number). Owned by src/events/outbox.ts.
CREATE TABLE event_outbox (
  id            bigserial PRIMARY KEY,
  event_id      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  audit_id      bigint NOT NULL,
  action        text NOT NULL,
  target        text,
  actor         text NOT NULL,
  details       jsonb NOT NULL,
  at            timestamptz NOT NULL,
  -- When its deliveries (one per matching events.webhooks[] entry) were written.
  fanned_out_at timestamptz
);
CREATE INDEX event_outbox_pending ON event_outbox (id) WHERE fanned_out_at IS NULL;

CREATE FUNCTION audit_log_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.action ~ '^(deploy|task|approval|alert|incident|payment)\.' AND NEW.action !~ '^task\.tool\.')
     OR NEW.action ~ '^agent\.run\.' THEN
    INSERT INTO event_outbox (audit_id, action, target, actor, details, at)
      VALUES (NEW.id, NEW.action, NEW.target, NEW.actor, NEW.details, NEW.at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_log_event AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_event();

-- One event to one webhook. Per webhook and subject only the oldest open delivery is `queued` (on
-- BullMQ); the ones after it wait, so a subscriber receives a subject's events in order.
CREATE TABLE event_deliveries (
  id           bigserial PRIMARY KEY,
  event        bigint NOT NULL REFERENCES event_outbox (id),
  webhook      text NOT NULL,
  subject      text NOT NULL,
  status       text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'queued', 'delivered', 'parked')),
  attempts     int NOT NULL DEFAULT 0,
  last_error   text,
  queued_at    timestamptz,
  -- The first failed attempt: retries go on until events.retryFor after it, then it is parked.
  first_failed_at timestamptz,
  delivered_at timestamptz,
  parked_at    timestamptz,
  UNIQUE (event, webhook)
);
CREATE INDEX event_deliveries_open ON event_deliveries (webhook, subject, id) WHERE status IN ('waiting', 'queued');
CREATE INDEX event_deliveries_parked ON event_deliveries (parked_at) WHERE status = 'parked';
