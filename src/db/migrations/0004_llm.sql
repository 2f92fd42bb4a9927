-- Every model call, for cost and reliability (DESIGN §5).
CREATE TABLE llm_calls (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  provider        text NOT NULL,
  model           text NOT NULL,
  purpose         text NOT NULL,
  input_tokens    integer NOT NULL DEFAULT 0,
  output_tokens   integer NOT NULL DEFAULT 0,
  cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
  latency_ms      integer NOT NULL,
  outcome         text NOT NULL,            -- ok | rate_limited | overloaded | server_error | timeout | network | auth | bad_request
  fallback_reason text                      -- why earlier providers in the chain did not answer
);
CREATE INDEX llm_calls_at ON llm_calls (at);

-- The recent turns of each chat, for conversation context.
CREATE TABLE chat_turns (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  channel  text NOT NULL,
  chat_id  text NOT NULL,
  role     text NOT NULL CHECK (role IN ('user', 'assistant')),
  content  text NOT NULL
);
CREATE INDEX chat_turns_chat ON chat_turns (channel, chat_id, id DESC);

-- World-changing commands proposed by the assistant, waiting for the founder's tap.
CREATE TABLE pending_commands (
  id          bigserial PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  channel     text NOT NULL,
  chat_id     text NOT NULL,
  actor       text NOT NULL,
  command     text NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'run', 'cancelled'))
);
