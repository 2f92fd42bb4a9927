/**
 * The model-free intent parser on hostile input: free text of 40,000 characters, a run of trailing
 * punctuation (what `/[?!.]+$/` took 1.2 s on, retrying from every position) and a long sentence;
 * the slowest of 20 runs each. A linear parse stays in the milliseconds.
 */
import { parseIntent } from '../src/conversation/intent.js';
import { round, type BenchResult } from './stats.js';

export async function intentBench(runs = 20): Promise<BenchResult> {
  const inputs: Record<string, string> = {
    'a word then 40,000 "!"': `a${'!'.repeat(40_000)}x`,
    '40,000 "?" then a word': `${'?'.repeat(40_000)}a`,
    'what is + 40,000 spaces': `what is ${' '.repeat(40_000)}x`,
    'show + 20,000 words': `show ${'a '.repeat(20_000)}`,
  };
  const rows = Object.entries(inputs).map(([name, text]) => {
    let worst = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      parseIntent(text);
      worst = Math.max(worst, performance.now() - started);
    }
    return { metric: name, value: round(worst, 2), unit: 'ms (max)', target: '< 50 ms', met: worst < 50 };
  });
  return { name: `intent parser on 40k-character input (${runs} runs each)`, rows, details: Object.fromEntries(rows.map((r) => [r.metric, r.value])) };
}
