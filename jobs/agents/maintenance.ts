/**
 * maintenance (daily): keeps AUREA's own tables from growing without bound: the ids of inbound
 * events (processed_updates) older than 14 days are forgotten (every platform has stopped retrying
 * them long before; Stripe retries for three days), and outgoing events older than 30 days whose
 * deliveries ended (the audit log keeps the changes).
 */
import { z } from 'zod';
import { defineAgent } from './kit.js';

export const maintenance = defineAgent({
  name: 'maintenance',
  description: 'Prunes what AUREA keeps only for a while (inbound event ids after 14 days, delivered events after 30)',
  schedule: { cron: '15 4 * * *', tz: 'UTC' },
  payload: z.strictObject({}),
  async run(ctx) {
    const pruned = await ctx.housekeeping.pruneProcessedUpdates();
    const events = await ctx.housekeeping.pruneEvents();
    return {
      summary: `forgot ${pruned} inbound event id${pruned === 1 ? '' : 's'} older than 14 days and ${events} delivered event${events === 1 ? '' : 's'} older than 30 days`,
      output: { processedUpdatesPruned: pruned, eventsPruned: events },
    };
  },
});
