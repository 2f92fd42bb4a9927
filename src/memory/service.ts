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
   * Stores a memory, or updates its near-duplicate of the same type (cosine ≥ 0.75 under the same
   * embedder and {@link sameFact}): the newer wording wins, importance is the higher of the two. An
   * error and its solution, or a learning and the errors it came from, stay separate memories.
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
       WHERE embedding_model = $2 AND memory_type = $3 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 3`,
      [vec, this.embedder.model, type],
    );
    const match = near.rows.find((r) => r.similarity >= NEAR_DUPLICATE && sameFact(content, r.content));
    if (match) {
      const { rows } = await this.db.query<Memory>(
        `UPDATE ai_persistent_memory SET content = $2, embedding = $3, importance = GREATEST(importance, $4),
           metadata = metadata || $5::jsonb, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS.replace(/m\./g, '')}`,
        [match.id, content, vec, importance, JSON.stringify(input.metadata ?? {})],
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

  /**
   * Memories of `types` written since `since` that no consolidation has folded in yet, with the
   * pairs among them at least `minSimilarity` alike (cosine of their embeddings), for clustering.
   * @returns the memories (oldest first) and the similar pairs [id, id, similarity]
   */
  async recentAlike(types: readonly MemoryType[], since: Date, minSimilarity: number): Promise<{ memories: Memory[]; pairs: Array<[string, string, number]> }> {
    const dims = this.embedder.dimensions;
    const where = `m.memory_type = ANY($1) AND m.created_at >= $2 AND m.embedding_model = $3 AND NOT (m.metadata ? 'consolidatedInto')`;
    const memories = await this.db.query<Memory>(`SELECT ${COLUMNS} FROM ai_persistent_memory m WHERE ${where} ORDER BY m.id LIMIT 500`, [types, since, this.embedder.model]);
    const pairs = await this.db.query<{ a: string; b: string; similarity: number }>(
      `WITH m AS (SELECT m.id, m.embedding::vector(${dims}) AS e FROM ai_persistent_memory m WHERE ${where} ORDER BY m.id LIMIT 500)
       SELECT x.id AS a, y.id AS b, 1 - (x.e <=> y.e) AS similarity FROM m x JOIN m y ON x.id < y.id WHERE 1 - (x.e <=> y.e) >= $4`,
      [types, since, this.embedder.model, minSimilarity],
    );
    return { memories: memories.rows, pairs: pairs.rows.map((r) => [r.a, r.b, Number(r.similarity)]) };
  }

  /** Marks memories as folded into the learning `learningId` (they stay, and recall still finds them). */
  async markConsolidated(ids: readonly string[], learningId: string): Promise<void> {
    await this.db.query(`UPDATE ai_persistent_memory SET metadata = metadata || jsonb_build_object('consolidatedInto', $2::text) WHERE id = ANY($1)`, [ids, learningId]);
  }

  /**
   * Lowers the importance of memories neither updated nor recalled for `staleDays` (decisions
   * excepted: they stay until forgotten), by `factor`, never below 0.05.
   * @returns how many were lowered
   */
  async decayStale(staleDays: number, factor: number): Promise<number> {
    const res = await this.db.query(
      `UPDATE ai_persistent_memory SET importance = GREATEST(0.05, importance * $2)
       WHERE memory_type <> 'decision' AND importance > 0.05
         AND GREATEST(updated_at, COALESCE(last_accessed_at, updated_at)) < now() - make_interval(days => $1)`,
      [staleDays, factor],
    );
    return res.rowCount ?? 0;
  }

  /** Deletes a memory. @returns the deleted memory, or null when there is none with that id */
  async forget(id: string): Promise<Memory | null> {
    const { rows } = await this.db.query<Memory>(`DELETE FROM ai_persistent_memory WHERE id = $1 RETURNING ${COLUMNS.replace(/m\./g, '')}`, [id]);
    return rows[0] ?? null;
  }
}
