-- What people asked of a running task outside the chat: a review or comment that mentions @aurea on
-- its pull request, by an allowed GitHub login. The task's next round reads the rows it has not
-- seen (graphs/task/nodes/approval.ts). Owned by src/tasks/store.ts.
CREATE TABLE task_feedback (
  id         bigserial PRIMARY KEY,
  task_id    bigint NOT NULL REFERENCES tasks (id),
  source     text NOT NULL,          -- 'github'
  author     text NOT NULL,          -- the GitHub login
  body       text NOT NULL,
  url        text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_feedback_task ON task_feedback (task_id, id);
