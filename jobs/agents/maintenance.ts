/**
 * maintenance (daily): keeps AUREA's own tables from growing without bound. Today: the ids of
 * inbound events (processed_updates) older than 14 days are forgotten; every platform has stopped
 * retrying them long before (Stripe retries for three days).
 */
import { z } from 'zod';
import { defineAgent } from './kit.js';

export const maintenance = defineAgent({
  name: 'maintenance',
  description: 'Prunes what AUREA keeps only for a while (inbound event ids older than 14 days)',
  schedule: { cron: '15 4 * * *', tz: 'UTC' },
  payload: z.strictObject({}),
  async run(ctx) {
    const pruned = await ctx.housekeeping.pruneProcessedUpdates();
    return { summary: `forgot ${pruned} inbound event id${pruned === 1 ? '' : 's'} older than 14 days`, output: { processedUpdatesPruned: pruned } };
  },
});
