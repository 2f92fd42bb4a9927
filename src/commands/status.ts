import type { Core } from '../core.js';
import { statusReport } from '../status/report.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function statusCommand(core: Pick<Core, 'config' | 'db' | 'redis' | 'queues'>): CommandSpec<string[]> {
  return {
    name: 'status',
    description: 'Health of every service, the database, Redis and the queues',
    args: noArgs,
    async run(ctx) {
      await ctx.reply({ text: await statusReport(core) });
    },
  };
}
