/**
 * Memory search at 10k and 100k memories of real text (bench/corpus.ts), offline hashing embedder,
 * on the backend AUREA_TEST_BACKEND names (embedded PGlite by default; `postgres` = a real server,
 * see test/helpers/backend.ts); `MEMORY_SIZES=10000` limits the sizes:
 * - hybrid recall() latency p50/p95 (the production path: HNSW + full-text + fusion);
 * - recall@10 of the HNSW index (ef_search 200, set per session in src/db/database.ts) against exact nearest neighbours.
 */
import pgvector from 'pgvector/pg';
import { BACKEND, openTestDatabase } from '../test/helpers/backend.js';
import { migrate } from '../src/db/migrate.js';
import { HashingEmbedder } from '../src/memory/hashing-embedder.js';
import { MemoryService } from '../src/memory/service.js';
import { sentences } from './corpus.js';
import { percentile, round, type BenchResult } from './stats.js';

const QUERIES = 200;

async function atSize(corpus: string[], n: number) {
  const { db, close } = await openTestDatabase();
  try {
    await migrate(db.pool);
    const embedder = new HashingEmbedder();
    const memory = new MemoryService(db.pool, embedder);
    const types = ['experience', 'decision', 'learning', 'error', 'solution', 'insight'];
    const loadStart = performance.now();
    await db.pool.query('DROP INDEX ai_persistent_memory_hnsw_hash256');
    for (let i = 0; i < n; i += 1000) {
      const batch = corpus.slice(i, Math.min(n, i + 1000));
      const vectors = await embedder.embed(batch);
      await db.pool.query(
        `INSERT INTO ai_persistent_memory (content, embedding, embedding_model, memory_type, importance, source, created_at)
         SELECT c, e::vector, $3, t, 0.5, 'bench', now() - (random() * interval '90 days')
         FROM unnest($1::text[], $2::text[], $4::text[]) AS x(c, e, t)`,
        [batch, vectors.map((v) => pgvector.toSql(v)), embedder.model, batch.map((_, k) => types[(i + k) % types.length])],
      );
    }
    const loadedMs = performance.now() - loadStart;
    const indexStart = performance.now();
    await db.pool.query(
      `CREATE INDEX ai_persistent_memory_hnsw_hash256 ON ai_persistent_memory USING hnsw ((embedding::vector(256)) vector_cosine_ops) WHERE embedding_model = 'aurea-hash-v1-256'`,
    );
    const indexMs = performance.now() - indexStart;

    const queries = corpus.slice(n, n + QUERIES);
    for (const q of queries.slice(0, 20)) await memory.recall(q, 10); // warm-up
    const latencies: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      await memory.recall(q, 10);
      latencies.push(performance.now() - t);
    }

    let overlap = 0;
    for (const q of queries) {
      const vec = pgvector.toSql((await embedder.embed([q]))[0]!);
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const approx = await client.query(
          `SELECT id FROM ai_persistent_memory WHERE embedding_model = $2 ORDER BY embedding::vector(256) <=> $1::vector(256) LIMIT 10`,
          [vec, embedder.model],
        );
        const exact = await client.query(`SELECT id FROM ai_persistent_memory WHERE embedding_model = $2 ORDER BY embedding <=> $1::vector LIMIT 10`, [vec, embedder.model]);
        await client.query('COMMIT');
        const truth = new Set(exact.rows.map((r) => r.id));
        overlap += approx.rows.filter((r) => truth.has(r.id)).length / Math.max(1, truth.size);
      } finally {
        client.release();
      }
    }
    return { n, loadedMs, indexMs, p50: percentile(latencies, 50), p95: percentile(latencies, 95), recall10: overlap / queries.length };
  } finally {
    await close();
  }
}

export async function memoryBench(sizes = (process.env.MEMORY_SIZES ?? '10000,100000').split(',').map(Number)): Promise<BenchResult> {
  const corpus = sentences(Math.max(...sizes) + QUERIES);
  const usable = sizes.filter((n) => n + QUERIES <= corpus.length);
  const results = [];
  for (const n of usable) results.push(await atSize(corpus, n));
  const targetP95: Record<number, number> = { 10_000: 15, 100_000: 50 };
  return {
    name: `memory search (${BACKEND}), real text (${corpus.length} sentences available)`,
    rows: results.flatMap((r) => [
      { metric: `${r.n / 1000}k: hybrid recall() p50`, value: round(r.p50), unit: 'ms' },
      { metric: `${r.n / 1000}k: hybrid recall() p95`, value: round(r.p95), unit: 'ms', target: targetP95[r.n] ? `< ${targetP95[r.n]} ms` : '', met: targetP95[r.n] ? r.p95 < targetP95[r.n]! : undefined },
      { metric: `${r.n / 1000}k: HNSW recall@10 vs exact`, value: round(r.recall10, 3), unit: '', target: '≥ 0.95', met: r.recall10 >= 0.95 },
      { metric: `${r.n / 1000}k: load / HNSW build`, value: `${round(r.loadedMs / 1000)} s / ${round(r.indexMs / 1000)} s`, unit: '' },
    ]),
    details: { results: results.map((r) => ({ ...r, p50: round(r.p50), p95: round(r.p95), recall10: round(r.recall10, 3), loadedMs: Math.round(r.loadedMs), indexMs: Math.round(r.indexMs) })) },
  };
}
