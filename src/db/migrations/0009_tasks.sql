-- The workforce: one row per /task (its graph thread is `task:<id>`, its branch `aurea/task-<id>`,
-- its model calls are llm_calls with purpose `task:<id>`). Owned by src/tasks/store.ts.
CREATE TABLE tasks (
  id           bigserial PRIMARY KEY,
  service      text NOT NULL,
  request      text NOT NULL,
  requested_by text NOT NULL,
  status       text NOT NULL DEFAULT 'running'
               CHECK (status IN ('running', 'deployed', 'rolled_back', 'rejected', 'stopped', 'cancelled')),
  rounds       integer NOT NULL DEFAULT 0,
  detail       text,
  -- /cancel: the run stops at its next node boundary (a running command is killed).
  cancelled_by text,
  -- A deployed task: the commit it deployed and the previous good one (what /rollback restores).
  deployed_commit text,
  previous_commit text,
  -- One task at a time may deploy a service: the one holding it (from its approval to its end).
  holds_service boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX tasks_recent ON tasks (created_at DESC);
CREATE UNIQUE INDEX tasks_one_holder ON tasks (service) WHERE holds_service;
