import type { Core } from '../core.js';
import { coalesce } from '../runtime/coalesce.js';
import { statusReport } from '../status/report.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function statusCommand(core: Pick<Core, 'config' | 'db' | 'redis' | 'queues'>): CommandSpec<string[]> {
  // Requests that arrive together share one round of probes.
  const report = coalesce(() => statusReport(core));
  return {
    name: 'status',
    readOnly: true,
    description: 'Health of every service, the database, Redis and the queues',
    args: noArgs,
    async run(ctx) {
      await ctx.reply({ text: await report() });
    },
  };
}
