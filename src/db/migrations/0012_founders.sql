-- Founders who claimed the bot with a pairing code (src/founders/pairing.ts). Founders named in
-- aurea.config.yaml or FOUNDER_*_IDS are not stored here; both count. Owned by src/founders/store.ts.
CREATE TABLE founders (
  platform text NOT NULL,
  user_id text NOT NULL,
  name text NOT NULL,
  paired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, user_id)
);
