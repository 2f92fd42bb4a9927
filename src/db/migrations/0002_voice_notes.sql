-- Voice notes: kept (file on disk under AUREA_DATA_DIR/voice) so a failed transcription can be retried.
CREATE TABLE voice_notes (
  id           bigserial PRIMARY KEY,
  created_at   timestamptz NOT NULL DEFAULT now(),
  platform     text NOT NULL,             -- telegram | slack
  chat_id      text NOT NULL,
  actor        text NOT NULL,             -- "telegram:123"
  actor_name   text NOT NULL,
  mime_type    text,
  bytes        bigint,
  duration_s   real,                      -- as declared by the platform, then as decoded
  file_path    text,
  status       text NOT NULL DEFAULT 'received'
               CHECK (status IN ('received', 'failed', 'transcribed', 'awaiting_confirmation', 'confirmed', 'cancelled')),
  error        text,
  transcript   text,
  engine       text                       -- grammar | general | openai
);
CREATE INDEX voice_notes_chat ON voice_notes (platform, chat_id, created_at DESC);
