import type { Core } from '../core.js';
import { agentsReport } from '../status/agents.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function agentsCommand(core: Pick<Core, 'agents' | 'scheduler'>): CommandSpec<string[]> {
  return {
    name: 'agents',
    readOnly: true,
    description: 'Scheduled agents with their last result and next run',
    args: noArgs,
    async run(ctx) {
      await ctx.reply({ text: await agentsReport(core.agents, core.scheduler) });
    },
  };
}
