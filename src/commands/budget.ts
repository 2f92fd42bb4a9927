import type { Core } from '../core.js';
import { PRICES_AS_OF } from '../llm/prices.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/** `/budget`: LLM spend today and this month, by provider and model, against the caps. */
export function budgetCommand(core: Pick<Core, 'ledger' | 'config'>): CommandSpec<string[]> {
  return {
    name: 'budget',
    readOnly: true,
    description: 'LLM spend today and this month by provider and model',
    args: noArgs,
    async run(ctx) {
      const { todayUsd, monthUsd } = await core.ledger.spend();
      const { dailyUsd, monthlyUsd } = core.config.llm.budget;
      const rows = await core.ledger.breakdown();
      const lines = [
        `Today: ${usd(todayUsd)}${dailyUsd ? ` of ${usd(dailyUsd)} (${Math.round((todayUsd / dailyUsd) * 100)}%)` : ' (no daily cap)'}`,
        `This month: ${usd(monthUsd)}${monthlyUsd ? ` of ${usd(monthlyUsd)} (${Math.round((monthUsd / monthlyUsd) * 100)}%)` : ' (no monthly cap)'}`,
        '',
        ...(rows.length
          ? rows.map((r) => `${r.provider}:${r.model}: ${usd(r.today_usd)} today, ${usd(r.month_usd)} this month, ${r.calls} calls${r.failed ? ` (${r.failed} failed)` : ''}, ${r.tokens} tokens`)
          : ['No model calls this month.']),
      ];
      await ctx.reply({ title: 'LLM budget', text: lines.join('\n'), status: `Prices as of ${PRICES_AS_OF}; override with llm.prices.` });
    },
  };
}
