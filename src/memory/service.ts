import type pg from 'pg';
import pgvector from 'pgvector/pg';
import { AureaError } from '../errors.js';
import { contentWords } from './hashing-embedder.js';
import type { Embedder } from './port.js';

export const MEMORY_TYPES = ['experience', 'decision', 'learning', 'error', 'solution', 'insight'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** Default importance (0-1) by type: decisions and solutions matter longest. */
const DEFAULT_IMPORTANCE: Record<MemoryType, number> = { decision: 0.7, solution: 0.7, error: 0.6, learning: 0.6, insight: 0.5, experience: 0.5 };

/** Cosine similarity from which an existing memory is a near-duplicate candidate… */
export const NEAR_DUPLICATE = 0.75;

/**
 * …and it is one when neither text says something the other does not: apart from numbers, the topic
 * words of one contain the other's. "Billing was down 14 minutes" and "…15 minutes!" merge; "Ada owns
 * search" and "Ada owns billing" (cosine 0.9 and more for templated text) stay two memories.
 */
export function sameFact(a: string, b: string): boolean {
  const wa = new Set(contentWords(a).filter((w) => !/^\d+$/.test(w)));
  const wb = new Set(contentWords(b).filter((w) => !/^\d+$/.test(w)));
  const onlyA = [...wa].filter((w) => !wb.has(w));
  const onlyB = [...wb].filter((w) => !wa.has(w));
  return onlyA.length === 0 || onlyB.length === 0;
}
/** Reciprocal rank fusion constant (Cormack, Clarke & Büttcher, SIGIR 2009). */
const RRF_K = 60;
/** Candidates taken from each of the vector and full-text searches before fusion. */
const CANDIDATES = 50;

export interface Memory {
  id: string;
  content: string;
  memory_type: MemoryType;
  importance: number;
  source: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface Recalled extends Memory {
  /** Fused score: RRF of the vector and full-text ranks × importance × recency weights. */
  score: number;
}

/** A vector parameter in pgvector's text form, by the pgvector package (pgvector/pg). */
const toVector = (v: number[]): string => pgvector.toSql(v)!;

/** What callers get back: never the embedding or the tsvector (large, and slow to ship). */
const COLUMNS = 'm.id, m.content, m.memory_type, m.importance, m.source, m.metadata, m.created_at, m.updated_at';

/**
 * The full-text side: all of the query text's lexemes (`$3`, plainto_tsquery's AND), inline so that
 * the planner uses the GIN index. Matching any lexeme (OR) ranked thousands of rows per query at
 * 100k memories for no gain in recall@5 on the labelled set (0.98 either way); the vector side
 * already finds partial matches.
 */
const ALL_LEXEMES = `plainto_tsquery('english', $3)`;

/**
 * Long-term memory in `ai_persistent_memory`: pgvector (HNSW, cosine) + Postgres full-text search,
 * fused by reciprocal rank fusion and weighted by importance and recency.
 */
export class MemoryService {
  constructor(
    private readonly db: pg.Pool,
    readonly embedder: Embedder,
  ) {}

  /**
   * Stores a memory, or updates its near-duplicate (cosine ≥ 0.75 under the same embedder and
   * {@link sameFact}): the newer wording wins, importance is the higher of the two.
   * @returns the stored memory and whether it merged into an existing one
   * @throws AureaError INVALID_ARGUMENTS for empty content
   */
  async remember(input: { content: string; type?: MemoryType; importance?: number; source: string; metadata?: Record<string, unknown> }): Promise<{ memory: Memory; merged: boolean }> {
    const content = input.content.trim();
    if (!content) throw new AureaError('INVALID_ARGUMENTS', 'There is nothing to remember.');
    const type = input.type ?? 'insight';
    const importance = input.importance ?? DEFAULT_IMPORTANCE[type];
    const [embedding] = await this.embedder.embed([content]);
    const vec = toVector(embedding!);
    const dims = this.embedder.dimensions;
    const near = await this.db.query<{ id: string; content: string; similarity: number }>(
      `SELECT id, content, 1 - (embedding::vector(${dims}) <=> $1::vector(${dims})) AS similarity FROM ai_persistent_memory
       WHERE embedding_model = $2 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 3`,
      [vec, this.embedder.model],
    );
    const match = near.rows.find((r) => r.similarity >= NEAR_DUPLICATE && sameFact(content, r.content));
    if (match) {
      const { rows } = await this.db.query<Memory>(
        `UPDATE ai_persistent_memory SET content = $2, embedding = $3, memory_type = $4, importance = GREATEST(importance, $5),
           metadata = metadata || $6::jsonb, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS.replace(/m\./g, '')}`,
        [match.id, content, vec, type, importance, JSON.stringify(input.metadata ?? {})],
      );
      return { memory: rows[0]!, merged: true };
    }
    const { rows } = await this.db.query<Memory>(
      `INSERT INTO ai_persistent_memory (content, embedding, embedding_model, memory_type, importance, source, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS.replace(/m\./g, '')}`,
      [content, vec, this.embedder.model, type, importance, input.source, JSON.stringify(input.metadata ?? {})],
    );
    return { memory: rows[0]!, merged: false };
  }

  /**
   * Hybrid search: the 50 nearest by embedding (same embedder only) and the 50 best full-text
   * matches (all of the query's lexemes), fused by RRF (k = 60), then × (0.75 + 0.5 × importance)
   * × (0.85 + 0.15 × e^(−age in days / 30)).
   * @param k how many to return
   */
  async recall(query: string, k = 5): Promise<Recalled[]> {
    const [embedding] = await this.embedder.embed([query]);
    const dims = this.embedder.dimensions;
    const { rows } = await this.db.query<Recalled>(
      `WITH v AS (
           SELECT id, row_number() OVER (ORDER BY d) AS r FROM (
             SELECT id, embedding::vector(${dims}) <=> $1::vector(${dims}) AS d FROM ai_persistent_memory WHERE embedding_model = $2
             ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT ${CANDIDATES}) nearest
         ), t AS (
           SELECT id, row_number() OVER (ORDER BY rank DESC) AS r FROM (
             SELECT m.id, ts_rank(m.content_tsv, ${ALL_LEXEMES}) AS rank FROM ai_persistent_memory m
             WHERE m.content_tsv @@ ${ALL_LEXEMES} ORDER BY rank DESC LIMIT ${CANDIDATES}) matches
         ), fused AS (
           SELECT id, sum(1.0 / (${RRF_K} + r)) AS rrf FROM (SELECT id, r FROM v UNION ALL SELECT id, r FROM t) ranks GROUP BY id
         )
         SELECT ${COLUMNS}, fused.rrf
                 * (0.75 + 0.5 * m.importance)
                 * (0.85 + 0.15 * exp(-extract(epoch FROM now() - m.created_at) / 86400.0 / 30)) AS score
         FROM fused JOIN ai_persistent_memory m ON m.id = fused.id
         ORDER BY score DESC LIMIT $4`,
      [toVector(embedding!), this.embedder.model, query, k],
    );
    if (rows.length) {
      // Bookkeeping off the answer's path, at most hourly per memory: each UPDATE writes a new row version.
      void this.db
        .query(`UPDATE ai_persistent_memory SET last_accessed_at = now() WHERE id = ANY($1) AND (last_accessed_at IS NULL OR last_accessed_at < now() - interval '1 hour')`, [rows.map((r) => r.id)])
        .catch(() => undefined);
    }
    return rows.map((r) => ({ ...r, score: Number(r.score) }));
  }

  /** Deletes a memory. @returns the deleted memory, or null when there is none with that id */
  async forget(id: string): Promise<Memory | null> {
    const { rows } = await this.db.query<Memory>(`DELETE FROM ai_persistent_memory WHERE id = $1 RETURNING ${COLUMNS.replace(/m\./g, '')}`, [id]);
    return rows[0] ?? null;
  }
}
