import type { Queue } from 'bullmq';
import type { AgentStore } from '../src/agents/store.js';
import type { AgentConfig, Config } from '../src/config.js';
import { formatDuration } from '../src/duration.js';
import { ConfigError } from '../src/errors.js';
import { AGENTS } from './definitions.js';

function scheduleText(cfg: AgentConfig | undefined, defaultEveryMs: number): string {
  if (cfg?.cron) return `cron ${cfg.cron}${cfg.tz ? ` ${cfg.tz}` : ''}`;
  return `every ${formatDuration(cfg?.every ?? defaultEveryMs)}`;
}

/**
 * Makes Redis and Postgres match the configured agents: one BullMQ job scheduler per enabled agent
 * (`upsertJobScheduler` keyed by the agent name, so restarts never duplicate a schedule), none for
 * disabled ones, and a row per agent in ai_agent_registry.
 * @throws ConfigError when aurea.config.yaml names an agent that does not exist
 */
export async function syncSchedules(config: Config, queue: Queue, agents: AgentStore): Promise<void> {
  const known = new Set(AGENTS.map((a) => a.name));
  for (const name of Object.keys(config.agents)) {
    if (!known.has(name)) throw new ConfigError(`agents.${name}`, `Invalid aurea.config.yaml: agents.${name}: unknown agent; known agents: ${[...known].join(', ')}`);
  }
  for (const agent of AGENTS) {
    const cfg = config.agents[agent.name];
    const enabled = cfg?.enabled ?? true;
    if (enabled) {
      const repeat = cfg?.cron ? { pattern: cfg.cron, ...(cfg.tz ? { tz: cfg.tz } : {}) } : { every: cfg?.every ?? agent.defaultEveryMs };
      await queue.upsertJobScheduler(agent.name, repeat, {
        name: agent.name,
        data: {},
        opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
      });
    } else {
      await queue.removeJobScheduler(agent.name);
    }
    await agents.register({ name: agent.name, description: agent.description, schedule: scheduleText(cfg, agent.defaultEveryMs), enabled });
  }
}
