/**
 * USD per million tokens (input, output). Source: the providers' public pricing pages
 * (anthropic.com/pricing, openai.com/api/pricing, ai.google.dev/pricing) as the authors knew them
 * on 2026-11-23. This machine cannot check them: verify before you trust a budget, and override or
 * extend them with `llm.prices` in aurea.config.yaml. A model missing here is priced as its
 * provider's most expensive listed model, so that budgets err on the safe side.
 */
export const PRICES_AS_OF = '2026-11-23';

export const PRICES: Record<string, { input: number; output: number }> = {
  'anthropic:claude-sonnet-5-5': { input: 3, output: 15 },
  'anthropic:claude-sonnet-4-6': { input: 3, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5 },
  'anthropic:claude-opus-4-5': { input: 5, output: 25 },
  'openai:gpt-5.4': { input: 1.25, output: 10 },
  'openai:gpt-5.4-mini': { input: 0.25, output: 2 },
  'openai:gpt-5.4-nano': { input: 0.05, output: 0.4 },
  'google:gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'google:gemini-2.5-pro': { input: 1.25, output: 10 },
};

/** Price of `provider:model`; local (ollama) models are free. */
export function priceOf(provider: string, model: string, overrides: Record<string, { input: number; output: number }> = {}): { input: number; output: number } {
  if (provider === 'ollama') return { input: 0, output: 0 };
  const key = `${provider}:${model}`;
  const table = { ...PRICES, ...overrides };
  if (table[key]) return table[key]!;
  const same = Object.entries(table).filter(([k]) => k.startsWith(`${provider}:`)).map(([, p]) => p);
  return same.length ? same.reduce((a, b) => (a.output > b.output ? a : b)) : { input: 15, output: 75 };
}

/** Cost in USD of a call. */
export function costUsd(price: { input: number; output: number }, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}
