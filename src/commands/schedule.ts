import { z } from 'zod';
import { parseScheduleWords, scheduleText } from '../agents/schedule.js';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { namedAgent } from './agent.js';
import type { CommandSpec } from './registry.js';

/**
 * `/schedule <agent> every <interval>` | `cron <pattern> [time zone]` | `default`: the founders'
 * schedule for an agent, kept in ai_agent_registry across restarts (aurea.config.yaml stays the
 * default, which `default` goes back to); audited.
 */
export function scheduleCommand(core: Pick<Core, 'scheduler' | 'agents' | 'db'>): CommandSpec<string[]> {
  return {
    name: 'schedule',
    description: "Change a scheduled agent's schedule",
    usage: '<agent> every <interval> or cron <pattern> [tz]',
    args: z.array(z.string()).min(2, { error: 'say the agent and its schedule, e.g. /schedule system-monitor every 10m' }),
    async run(ctx, [name, ...words]) {
      const agent = namedAgent(core.scheduler, name!);
      const schedule = words.length === 1 && words[0] === 'default' ? null : parseScheduleWords(words);
      const before = await core.agents.get(agent.name);
      const row = await core.agents.setSchedule(agent.name, schedule, agent.schedule);
      await core.scheduler.apply(agent.name);
      await audit(core.db.pool, ctx.actor, 'agent.rescheduled', `agent:${agent.name}`, { from: before?.schedule, to: row?.schedule });
      const next = await core.scheduler.nextRun(agent.name);
      const state = row?.paused ? ` It is paused: /resume ${agent.name} starts it.` : next ? ` Next run at ${next.toISOString().slice(11, 16)} UTC.` : '';
      await ctx.reply({
        text: schedule
          ? `🗓 ${agent.name} now runs ${scheduleText(schedule)} (the config's default is ${scheduleText(agent.schedule)}).${state}`
          : `🗓 ${agent.name} is back on its default schedule, ${scheduleText(agent.schedule)}.${state}`,
      });
    },
  };
}
