import type pg from 'pg';

export interface CallRecord {
  provider: string;
  model: string;
  purpose: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  outcome: string;
  fallbackReason?: string;
}

/** The cost ledger: one `llm_calls` row per model call, successful or not. */
export class LlmLedger {
  constructor(private readonly db: pg.Pool) {}

  async record(c: CallRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO llm_calls (provider, model, purpose, input_tokens, output_tokens, cost_usd, latency_ms, outcome, fallback_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.provider, c.model, c.purpose, c.inputTokens, c.outputTokens, c.costUsd.toFixed(6), Math.round(c.latencyMs), c.outcome, c.fallbackReason ?? null],
    );
  }

  /** Spend in USD today and this month (UTC). */
  /** What the calls made for `purpose` (e.g. `task:12`) cost so far, in USD. */
  async costOf(purpose: string): Promise<number> {
    const { rows } = await this.db.query<{ usd: string | null }>('SELECT sum(cost_usd) AS usd FROM llm_calls WHERE purpose = $1', [purpose]);
    return Number(rows[0]?.usd ?? 0);
  }

  async spend(): Promise<{ todayUsd: number; monthUsd: number }> {
    const { rows } = await this.db.query<{ today: string; month: string }>(
      `SELECT COALESCE(sum(cost_usd) FILTER (WHERE at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0) AS today,
              COALESCE(sum(cost_usd), 0) AS month
       FROM llm_calls WHERE at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    );
    return { todayUsd: Number(rows[0]!.today), monthUsd: Number(rows[0]!.month) };
  }

  /** Per provider and model: calls, tokens and USD, today and this month. */
  async breakdown(): Promise<Array<{ provider: string; model: string; calls: number; failed: number; tokens: number; today_usd: number; month_usd: number }>> {
    const { rows } = await this.db.query(
      `SELECT provider, model, count(*)::int AS calls, (count(*) FILTER (WHERE outcome <> 'ok'))::int AS failed,
              (sum(input_tokens) + sum(output_tokens))::int AS tokens,
              COALESCE(sum(cost_usd) FILTER (WHERE at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::float AS today_usd,
              sum(cost_usd)::float AS month_usd
       FROM llm_calls WHERE at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
       GROUP BY provider, model ORDER BY month_usd DESC, provider`,
    );
    return rows;
  }

  /** Spend per UTC day over the last `days` days (today included, oldest first; days without calls are 0). */
  async dailySpend(days: number): Promise<Array<{ day: string; usd: number }>> {
    const { rows } = await this.db.query<{ day: string; usd: string }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day, COALESCE(sum(c.cost_usd), 0) AS usd
       FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d
       LEFT JOIN llm_calls c ON (c.at AT TIME ZONE 'UTC')::date = d::date
       GROUP BY d ORDER BY d`,
      [days],
    );
    return rows.map((r) => ({ day: r.day, usd: Number(r.usd) }));
  }
}
