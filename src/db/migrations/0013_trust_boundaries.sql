-- Trust boundaries (see README "Security model").
--
-- Approvals are named by a UUID instead of a sequence number: a button or a queued job that outlived
-- its database (`rm -rf data`, a new Postgres) can no longer decide or resume a newer request that
-- happens to have the same number. What a request showed (title, body) moves out of the payload, which
-- now holds only what the approval's kind declares (src/approvals/kind.ts); `decider` records who
-- decided by actor key beside `decided_by`, their display name.
ALTER TABLE approvals ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE approvals DROP CONSTRAINT approvals_pkey;
ALTER TABLE approvals DROP COLUMN id;
ALTER TABLE approvals RENAME COLUMN uid TO id;
ALTER TABLE approvals ADD PRIMARY KEY (id);
ALTER TABLE approvals ADD COLUMN title text NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN body text NOT NULL DEFAULT '';
UPDATE approvals SET title = coalesce(payload->>'title', ''), body = coalesce(payload->>'text', ''), payload = payload - 'title' - 'text';
ALTER TABLE approvals ADD COLUMN decider text;
-- When the graph thread paused on it was resumed with its decision: a resume job tried again after
-- that goes on from the checkpoint instead of resuming twice (graphs/runner.ts).
ALTER TABLE approvals ADD COLUMN resumed_at timestamptz;

-- A task's graph thread carries a UUID (`task:<id>:<uuid>`), so the jobs that name it never repeat
-- across databases; the one-task-at-a-time hold gives way to the service lease below.
ALTER TABLE tasks ADD COLUMN thread_id text;
DROP INDEX tasks_one_holder;
ALTER TABLE tasks DROP COLUMN holds_service;

-- One lease per service: deploys, task deploys and rollbacks of a service never overlap. The holder
-- is a graph thread; `what` says in words who holds it ("task #3", "the deploy Ada asked for").
-- Owned by src/leases/store.ts.
CREATE TABLE service_leases (
  service    text PRIMARY KEY,
  holder     text NOT NULL,
  what       text NOT NULL,
  since      timestamptz NOT NULL DEFAULT now()
);
