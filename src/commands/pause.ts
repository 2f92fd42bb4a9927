import { z } from 'zod';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { namedAgent } from './agent.js';
import type { CommandSpec } from './registry.js';

type PauseDeps = Pick<Core, 'scheduler' | 'agents' | 'db'>;

/**
 * `/pause <agent>` and `/resume <agent>`: stop and restart an agent's schedule. Kept in
 * ai_agent_registry, so a restart keeps an agent paused; audited. /run still runs a paused agent.
 */
function pauseOrResume(core: PauseDeps, paused: boolean): CommandSpec<[string]> {
  const verb = paused ? 'pause' : 'resume';
  return {
    name: verb,
    description: paused ? "Pause a scheduled agent's schedule (kept across restarts)" : "Resume a paused agent's schedule",
    usage: '<agent>',
    args: z.tuple([z.string()], { error: `name the agent, e.g. /${verb} system-monitor` }),
    async run(ctx, [name]) {
      const agent = namedAgent(core.scheduler, name);
      const before = await core.agents.get(agent.name);
      if (before && before.paused === paused) {
        await ctx.reply({ text: paused ? `${agent.name} is already paused; /resume ${agent.name} restarts it.` : `${agent.name} is not paused (${before.schedule}).` });
        return;
      }
      const row = await core.agents.setPaused(agent.name, paused);
      await core.scheduler.apply(agent.name);
      await audit(core.db.pool, ctx.actor, `agent.${verb}d`, `agent:${agent.name}`, {});
      const next = paused ? null : await core.scheduler.nextRun(agent.name);
      const off = agent.enabled ? '' : ` (it stays off: agents.${agent.name}.enabled is false in aurea.config.yaml)`;
      await ctx.reply({
        text: paused
          ? `⏸ ${agent.name} paused: no scheduled runs until /resume ${agent.name}. /run ${agent.name} still runs it once.`
          : `▶ ${agent.name} resumed (${row?.schedule})${next ? `; next run at ${next.toISOString().slice(11, 16)} UTC` : ''}${off}.`,
      });
    },
  };
}

export const pauseCommand = (core: PauseDeps) => pauseOrResume(core, true);
export const resumeCommand = (core: PauseDeps) => pauseOrResume(core, false);
