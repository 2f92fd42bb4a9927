import { z } from 'zod';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';

/** `/run <agent>`: one run of a scheduled agent now; its result shows in /agents and any alerts arrive as usual. */
export function runCommand(core: Pick<Core, 'queues' | 'db'>): CommandSpec<[string]> {
  return {
    name: 'run',
    description: 'Run a scheduled agent now',
    usage: '<agent>',
    args: z.tuple([z.string()], { error: 'name the agent, e.g. /run system-monitor' }),
    async run(ctx, [agent]) {
      const known = core.queues.agents();
      if (!known.includes(agent)) throw new AureaError('INVALID_ARGUMENTS', `There is no agent "${agent}". Agents: ${known.join(', ')}.`);
      const jobId = await core.queues.runNow(agent);
      await audit(core.db.pool, ctx.actor, 'agent.run', `agent:${agent}`, { jobId });
      await ctx.reply({ text: `▶ ${agent} queued (job ${jobId}). /agents shows its result.` });
    },
  };
}
