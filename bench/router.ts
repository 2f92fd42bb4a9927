/**
 * Model router overhead, with in-process providers (no network) and the real ledger on embedded
 * Postgres: what a failing first choice adds before the fallback answers, and what skipping a
 * provider whose circuit is open costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertService } from '../src/alerts/service.js';
import { Broadcaster } from '../src/channels/broadcast.js';
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { Budget } from '../src/llm/budget.js';
import { LlmCallError } from '../src/llm/errors.js';
import { LlmLedger } from '../src/llm/ledger.js';
import { ModelRouter } from '../src/llm/model-router.js';
import type { LlmRequest, Provider } from '../src/llm/types.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { percentile, round, type BenchResult } from './stats.js';

const answering: Provider = { name: 'openai', model: 'gpt-5.4-mini', free: false, complete: async () => ({ text: 'ok', toolCalls: [], usage: { inputTokens: 100, outputTokens: 10 } }) };
const failing: Provider = {
  name: 'anthropic',
  model: 'claude-sonnet-5-5',
  free: false,
  complete: async () => {
    throw new LlmCallError('server_error', 'fake 500', undefined, 500);
  },
};
const request: LlmRequest = { system: 'You are AUREA.', messages: [{ role: 'user', content: 'status?' }], maxTokens: 256, purpose: 'bench' };

export async function routerBench(iterations = 300): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aurea-bench-router-'));
  const db = await openDatabase(loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS));
  try {
    await migrate(db.pool);
    const log = createLogger('silent', []);
    const ledger = new LlmLedger(db.pool);
    const budget = new Budget({}, ledger, new AlertService(db.pool, new Broadcaster(log), createMetrics(), log));
    const router = (providers: Provider[], failures = 1_000_000) =>
      new ModelRouter(providers, { ledger, budget, log, timeoutMs: 5_000, breaker: { failures, coolDownMs: 3_600_000 }, prices: {} });
    const time = async (r: ModelRouter) => {
      const samples: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await r.complete(request);
        samples.push(performance.now() - t);
      }
      return percentile(samples, 50);
    };
    const direct = await time(router([answering]));
    const fallback = await time(router([failing, answering]));
    const open = router([failing, answering], 1);
    await open.complete(request); // one failure opens it
    const skipped = await time(open);
    const breaker = open.breakerOf(open.providers[0]!);
    const n = 1_000_000;
    const t = performance.now();
    for (let i = 0; i < n; i++) breaker.allow();
    const allowNs = ((performance.now() - t) * 1e6) / n;
    return {
      name: `model router overhead (in-process providers, ledger on PGlite, p50 of ${iterations})`,
      rows: [
        { metric: 'fallback answers alone', value: round(direct, 2), unit: 'ms' },
        { metric: 'first choice fails (500, retried once) → fallback', value: round(fallback, 2), unit: 'ms' },
        { metric: 'added by the failing first choice', value: round(fallback - direct, 2), unit: 'ms' },
        { metric: 'first choice skipped, circuit open', value: round(skipped, 2), unit: 'ms' },
        { metric: 'added by the open-circuit skip', value: round(skipped - direct, 3), unit: 'ms', target: '< 1 ms', met: skipped - direct < 1 },
        { metric: 'breaker check alone', value: round(allowNs, 1), unit: 'ns' },
      ],
      details: { direct_ms: round(direct, 3), fallback_ms: round(fallback, 3), skipped_ms: round(skipped, 3), allow_ns: round(allowNs, 1) },
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
