-- An approval not decided in time expires: a stale button must not change the world days later.
ALTER TABLE approvals ADD COLUMN expires_at timestamptz;
