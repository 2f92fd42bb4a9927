/**
 * The scheduled agents over BullMQ job schedulers: which agents exist (code and YAML agents, with
 * aurea.config.yaml's defaults), and keeping Redis in step with ai_agent_registry: one job
 * scheduler per enabled, unpaused agent (`upsertJobScheduler` keyed by the agent's name, so a
 * restart never duplicates a schedule), with the founders' /schedule when they set one.
 */
import type { Queue } from 'bullmq';
import type { AgentInfo, AgentScheduler } from '../src/agents/port.js';
import type { Schedule } from '../src/agents/schedule.js';
import { repeatOf } from '../src/agents/schedule.js';
import type { AgentStore } from '../src/agents/store.js';
import type { Config } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import type { Agent } from './agents/kit.js';

/** Job options of every agent run: one attempt (a crash is recovered as a stalled job), bounded history. */
export const AGENT_JOB_OPTS = { attempts: 1, removeOnComplete: 100, removeOnFail: 500 } as const;

/** The agents with what aurea.config.yaml says of them, by name. */
export interface AgentCatalog {
  info: readonly AgentInfo[];
  byName: ReadonlyMap<string, Agent>;
}

/**
 * Joins the agents (built-in and YAML) with their `agents.<name>` config: default schedule, enabled,
 * missed-run policy.
 * @throws ConfigError when aurea.config.yaml names an agent that does not exist, or two agents share a name
 */
export function agentCatalog(config: Pick<Config, 'agents'>, agents: readonly Agent[]): AgentCatalog {
  const byName = new Map<string, Agent>();
  for (const a of agents) {
    if (byName.has(a.name)) throw new ConfigError(`agents/${a.name}.yaml`, `Two agents are named ${a.name}: rename the file in agents/ (built-in agents: ${[...byName.keys()].join(', ')}).`);
    byName.set(a.name, a);
  }
  for (const name of Object.keys(config.agents)) {
    if (!byName.has(name)) throw new ConfigError(`agents.${name}`, `Invalid aurea.config.yaml: agents.${name}: unknown agent; known agents: ${[...byName.keys()].join(', ')}`);
  }
  const info = agents.map((a): AgentInfo => {
    const cfg = config.agents[a.name];
    const tz = cfg?.tz ?? ('cron' in a.schedule ? a.schedule.tz : undefined);
    const schedule: Schedule = cfg?.cron
      ? { cron: cfg.cron, ...(cfg.tz ? { tz: cfg.tz } : {}) }
      : cfg?.at
        ? { cron: `${Number(cfg.at.slice(3))} ${Number(cfg.at.slice(0, 2))} * * *`, ...(tz ? { tz } : {}) }
        : cfg?.every
          ? { every: cfg.every }
          : cfg?.tz && 'cron' in a.schedule
            ? { ...a.schedule, tz: cfg.tz }
            : a.schedule;
    return { name: a.name, description: a.description, schedule, enabled: cfg?.enabled ?? true, missed: cfg?.missed ?? 'once' };
  });
  return { info, byName };
}

/** The effective schedule: the founders' /schedule, else the default. */
export function effectiveSchedule(info: AgentInfo, override: Schedule | null): Schedule {
  return override ?? info.schedule;
}

/** The AgentScheduler port over the agents queue. */
export function createAgentScheduler(queue: Queue, store: AgentStore, catalog: AgentCatalog): AgentScheduler & { syncAll(): Promise<void> } {
  const infoOf = (name: string) => catalog.info.find((a) => a.name === name);
  const scheduler = {
    agents: () => catalog.info,
    async apply(name: string) {
      const info = infoOf(name);
      const row = await store.get(name);
      if (!info || !row) return;
      if (info.enabled && !row.paused) {
        await queue.upsertJobScheduler(name, repeatOf(effectiveSchedule(info, row.schedule_override)), { name, data: {}, opts: AGENT_JOB_OPTS });
      } else {
        await queue.removeJobScheduler(name);
      }
    },
    async runNow(name: string) {
      const job = await queue.add(name, {}, AGENT_JOB_OPTS);
      return job.id ?? '';
    },
    async nextRun(name: string) {
      const s = await queue.getJobScheduler(name);
      return s?.next ? new Date(s.next) : null;
    },
    /**
     * Registers every agent (ai_agent_registry), applies each one's state to Redis, and removes the
     * job schedulers of agents that no longer exist (a deleted agents/*.yaml).
     */
    async syncAll() {
      for (const info of catalog.info) {
        await store.register(info);
        await scheduler.apply(info.name);
      }
      for (const s of await queue.getJobSchedulers()) {
        if (s.key && !catalog.byName.has(s.key)) await queue.removeJobScheduler(s.key);
      }
    },
  };
  return scheduler;
}
