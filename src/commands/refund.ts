import { z } from 'zod';
import type { Core } from '../core.js';
import { requestRefund } from '../stripe/refund.js';
import type { CommandSpec } from './registry.js';

/** `/refund <charge> [amount]`: refunds a Stripe charge (all that is left, or `amount` like 12.50) behind an approval. */
export function refundCommand(core: Pick<Core, 'config' | 'approvals' | 'stripe'>): CommandSpec<string[]> {
  return {
    name: 'refund',
    description: 'Refund a Stripe charge (asks for approval)',
    usage: '<charge> [amount]',
    args: z
      .array(z.string())
      .min(1, { error: 'name the charge, and an amount if not all of it: /refund ch_3Pq… 12.50' })
      .max(2, { error: 'say the charge and at most one amount: /refund ch_3Pq… 12.50' }),
    async run(ctx, [charge, amount]) {
      const shown = await requestRefund(core, ctx.actor, charge!, amount);
      await ctx.reply({ text: `💸 Asked for approval to refund ${shown} of ${charge!}.` });
    },
  };
}
