import { AureaError } from '../errors.js';
import type { Logger } from '../log.js';
import { CircuitBreaker } from './breaker.js';
import type { Budget } from './budget.js';
import { classify, type LlmCallError } from './errors.js';
import type { LlmLedger } from './ledger.js';
import { costUsd, priceOf } from './prices.js';
import type { LlmRequest, LlmResponse, Provider } from './types.js';

export interface RoutedResponse extends LlmResponse {
  provider: string;
  model: string;
  /** Set when the first choice did not answer: "answered by openai — anthropic 429". */
  note?: string;
}

/** Rough token count for budget estimates: about 4 characters per token for English. */
function estimateTokens(request: LlmRequest): number {
  const chars = request.system.length + JSON.stringify(request.messages).length + JSON.stringify(request.tools ?? []).length;
  return Math.ceil(chars / 4);
}

/**
 * The model router: tries the configured chain in order. Per call: a timeout; one retry on the same
 * provider for a 5xx or network error; fallback to the next provider on 429, 5xx, overload, timeout,
 * network or auth errors. A circuit breaker per provider skips it at once while open. Paid
 * providers are only called when the estimated cost fits the budget; local ones always may.
 * Every attempt is a row in llm_calls.
 */
export class ModelRouter {
  private readonly breakers = new Map<Provider, CircuitBreaker>();

  constructor(
    readonly providers: Provider[],
    private readonly deps: {
      ledger: LlmLedger;
      budget: Budget;
      log: Logger;
      timeoutMs: number;
      breaker: { failures: number; coolDownMs: number };
      prices: Record<string, { input: number; output: number }>;
    },
  ) {
    for (const p of providers) this.breakers.set(p, new CircuitBreaker(deps.breaker.failures, deps.breaker.coolDownMs));
  }

  get configured(): boolean {
    return this.providers.length > 0;
  }

  breakerOf(provider: Provider): CircuitBreaker {
    return this.breakers.get(provider)!;
  }

  /**
   * @throws AureaError LLM_BUDGET_REACHED when only paid providers are left and the cap refuses them;
   *   LLM_UNAVAILABLE when every provider failed or was skipped (the message lists why)
   */
  async complete(request: LlmRequest): Promise<RoutedResponse> {
    const skipped: string[] = [];
    let budgetRefused: string | null = null;
    for (const provider of this.providers) {
      const breaker = this.breakerOf(provider);
      if (!breaker.allow()) {
        skipped.push(`${provider.name} circuit open`);
        continue;
      }
      const price = priceOf(provider.name, provider.model, this.deps.prices);
      if (!provider.free) {
        const refused = await this.deps.budget.refuses(costUsd(price, estimateTokens(request), request.maxTokens));
        if (refused) {
          breaker.success(); // not a provider failure; do not hold a half-open probe
          budgetRefused = refused;
          skipped.push(`${provider.name} ${refused} budget reached`);
          continue;
        }
      }
      let lastError: LlmCallError | undefined;
      for (let attempt = 0; attempt < 2; attempt++) {
        const started = performance.now();
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), this.deps.timeoutMs);
        try {
          const response = await provider.complete(request, abort.signal);
          clearTimeout(timer);
          breaker.success();
          const cost = costUsd(price, response.usage.inputTokens, response.usage.outputTokens);
          const note = skipped.length ? `answered by ${provider.name} — ${skipped.join(', ')}` : undefined;
          await this.deps.ledger.record({
            provider: provider.name,
            model: provider.model,
            purpose: request.purpose,
            ...response.usage,
            costUsd: cost,
            latencyMs: performance.now() - started,
            outcome: 'ok',
            fallbackReason: skipped.join(', ') || undefined,
          });
          await this.deps.budget.checkThresholds();
          return { ...response, provider: provider.name, model: provider.model, note };
        } catch (err) {
          clearTimeout(timer);
          lastError = classify(err, abort.signal.aborted);
          await this.deps.ledger.record({
            provider: provider.name,
            model: provider.model,
            purpose: request.purpose,
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
            latencyMs: performance.now() - started,
            outcome: lastError.failure,
            fallbackReason: skipped.join(', ') || undefined,
          });
          this.deps.log.warn({ provider: provider.name, model: provider.model, failure: lastError.failure, status: lastError.status }, 'llm call failed');
          if (!(attempt === 0 && lastError.retrySame)) break;
        }
      }
      breaker.failure(lastError!.retryAfterMs);
      if (!lastError!.fallback) throw new AureaError('LLM_UNAVAILABLE', `The model refused the request (${provider.name}: ${lastError!.message}).`);
      skipped.push(`${provider.name} ${lastError!.short}`);
    }
    if (budgetRefused && skipped.every((s) => s.includes('budget reached') || s.includes('circuit open'))) {
      throw new AureaError('LLM_BUDGET_REACHED', `The ${budgetRefused} LLM budget is reached, so no paid model was called. Raise llm.budget in aurea.config.yaml, or add a local model (OLLAMA_BASE_URL).`);
    }
    throw new AureaError('LLM_UNAVAILABLE', `No model could answer: ${skipped.join(', ') || 'none configured'}.`);
  }
}
