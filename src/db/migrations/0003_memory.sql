-- Long-term memory (DESIGN §5): pgvector embeddings + Postgres full-text search.
-- `embedding` has no fixed dimension so several embedders can coexist; each embedder gets a partial
-- HNSW index on its own dimension (pgvector's documented way to index mixed dimensions), and a
-- search only ever compares vectors of one embedding_model.
CREATE TABLE ai_persistent_memory (
  id               bigserial PRIMARY KEY,
  content          text NOT NULL,
  embedding        vector NOT NULL,
  embedding_model  text NOT NULL,
  memory_type      text NOT NULL CHECK (memory_type IN ('experience', 'decision', 'learning', 'error', 'solution', 'insight')),
  importance       real NOT NULL DEFAULT 0.5 CHECK (importance >= 0 AND importance <= 1),
  source           text NOT NULL,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_tsv      tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  last_accessed_at timestamptz
);
CREATE INDEX ai_persistent_memory_tsv ON ai_persistent_memory USING gin (content_tsv);
-- Offline hashing embedder (src/memory/hashing-embedder.ts): 256 dimensions.
CREATE INDEX ai_persistent_memory_hnsw_hash256 ON ai_persistent_memory
  USING hnsw ((embedding::vector(256)) vector_cosine_ops) WHERE embedding_model = 'aurea-hash-v1-256';
-- OpenAI text-embedding-3-small: 1536 dimensions.
CREATE INDEX ai_persistent_memory_hnsw_te3s ON ai_persistent_memory
  USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE embedding_model = 'text-embedding-3-small';
