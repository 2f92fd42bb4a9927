import type { AlertService } from '../alerts/service.js';
import type { LlmLedger } from './ledger.js';

const THRESHOLDS = [50, 80, 100] as const;

/**
 * Daily and monthly USD caps (llm.budget). A paid call is allowed only if its estimated cost still
 * fits under both caps; after each call the founder gets one alert per threshold crossed (50, 80,
 * 100 %) per day or month, deduplicated in ai_system_alerts.
 */
export class Budget {
  constructor(
    private readonly caps: { dailyUsd?: number; monthlyUsd?: number },
    private readonly ledger: LlmLedger,
    private readonly alerts: AlertService,
  ) {}

  /** @returns null when the call fits, else which cap it would break */
  async refuses(estimatedUsd: number): Promise<'daily' | 'monthly' | null> {
    if (!this.caps.dailyUsd && !this.caps.monthlyUsd) return null;
    const { todayUsd, monthUsd } = await this.ledger.spend();
    if (this.caps.dailyUsd && todayUsd + estimatedUsd > this.caps.dailyUsd) return 'daily';
    if (this.caps.monthlyUsd && monthUsd + estimatedUsd > this.caps.monthlyUsd) return 'monthly';
    return null;
  }

  /** Raises the threshold alerts the spend has reached (each once per period). */
  async checkThresholds(): Promise<void> {
    if (!this.caps.dailyUsd && !this.caps.monthlyUsd) return;
    const { todayUsd, monthUsd } = await this.ledger.spend();
    const now = new Date().toISOString();
    for (const [period, cap, spent, key] of [
      ['daily', this.caps.dailyUsd, todayUsd, now.slice(0, 10)],
      ['monthly', this.caps.monthlyUsd, monthUsd, now.slice(0, 7)],
    ] as const) {
      if (!cap) continue;
      for (const pct of THRESHOLDS) {
        if (spent < (cap * pct) / 100) continue;
        await this.alerts.raise({
          severity: pct === 100 ? 'critical' : 'warning',
          source: 'llm-budget',
          message:
            pct === 100
              ? `LLM ${period} budget reached: $${spent.toFixed(2)} of $${cap.toFixed(2)}. Paid models are off until the ${period === 'daily' ? 'day' : 'month'} turns; local ones still answer.`
              : `LLM ${period} budget at ${pct}%: $${spent.toFixed(2)} of $${cap.toFixed(2)}.`,
          dedupeKey: `llm-budget:${period}:${key}:${pct}`,
        });
      }
    }
  }
}
