-- The alert outbox: a process that is delivering an alert claims it first, so that two processes
-- never send the same alert twice, and alerts go out in the order they were raised.
ALTER TABLE ai_system_alerts ADD COLUMN delivery_claimed_at timestamptz;


-- Who claimed an inbound event: a claim retried after a lost connection recognises its own row.
ALTER TABLE processed_updates ADD COLUMN claimed_by text;
