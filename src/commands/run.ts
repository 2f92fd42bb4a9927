import { z } from 'zod';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { namedAgent } from './agent.js';
import type { CommandSpec } from './registry.js';

/** `/run <agent>`: one run of a scheduled agent now (paused or not); its result shows in /agents and any alerts arrive as usual. */
export function runCommand(core: Pick<Core, 'scheduler' | 'db'>): CommandSpec<[string]> {
  return {
    name: 'run',
    description: 'Run a scheduled agent now',
    usage: '<agent>',
    args: z.tuple([z.string()], { error: 'name the agent, e.g. /run system-monitor' }),
    async run(ctx, [name]) {
      const agent = namedAgent(core.scheduler, name);
      const jobId = await core.scheduler.runNow(agent.name);
      await audit(core.db.pool, ctx.actor, 'agent.run', `agent:${agent.name}`, { jobId });
      await ctx.reply({ text: `▶ ${agent.name} queued (job ${jobId}). /agents shows its result.` });
    },
  };
}
