-- Graph runs are BullMQ jobs that any worker may pick up from the Postgres checkpoint. A step with
-- side effects (a deploy, a rollback) records its start and finish here, so a run resumed after a
-- crash never repeats it blindly (src/runs/journal.ts owns this table).
CREATE TABLE graph_steps (
  thread_id   text NOT NULL,
  step        text NOT NULL,          -- "deploy", "rollback"
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result      jsonb,
  PRIMARY KEY (thread_id, step)
);

-- One thread may pause for a founder more than once (the approval, then "roll back or keep?" after
-- an interrupted deploy): an approval is unique per thread and step.
ALTER TABLE approvals ADD COLUMN step text NOT NULL DEFAULT 'approval';
ALTER TABLE approvals DROP CONSTRAINT approvals_thread_id_key;
CREATE UNIQUE INDEX approvals_thread_step ON approvals (thread_id, step);
