/**
 * The scheduled agents over BullMQ job schedulers: which agents exist (code and YAML agents, with
 * aurea.config.yaml's defaults), and keeping Redis in step with ai_agent_registry: one job
 * scheduler per enabled, unpaused agent (`upsertJobScheduler` keyed by the agent's name, so a
 * restart never duplicates a schedule), with the founders' /schedule when they set one.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AgentInfo, AgentScheduler } from '../src/agents/port.js';
import type { Schedule } from '../src/agents/schedule.js';
import { effectiveSchedule, repeatOf } from '../src/agents/schedule.js';
import type { AgentStore } from '../src/agents/store.js';
import type { AgentConfig, Config } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import type { Agent } from './agents/kit.js';

/** Job options of every agent run: one attempt (a crash is recovered as a stalled job), bounded history. */
export const AGENT_JOB_OPTS = { attempts: 1, removeOnComplete: 100, removeOnFail: 500 } as const;

/**
 * An agent's default schedule as aurea.config.yaml sets it: `cron` (+ `tz`), `at: "HH:MM"` (a daily
 * cron in `tz`, else in the agent's own zone), `every`, or only `tz` (the agent's own cron in that
 * zone); nothing = the agent's own.
 */
function configuredSchedule(own: Schedule, cfg: AgentConfig | undefined): Schedule {
  const tz = cfg?.tz ?? ('cron' in own ? own.tz : undefined);
  const zoned = (cron: string): Schedule => ({ cron, ...(tz ? { tz } : {}) });
  if (cfg?.cron) return zoned(cfg.cron);
  if (cfg?.at) return zoned(`${Number(cfg.at.slice(3))} ${Number(cfg.at.slice(0, 2))} * * *`);
  if (cfg?.every) return { every: cfg.every };
  return 'cron' in own ? zoned(own.cron) : own;
}

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
    return { name: a.name, description: a.description, schedule: configuredSchedule(a.schedule, cfg), enabled: cfg?.enabled ?? true, missed: cfg?.missed ?? 'once' };
  });
  return { info, byName };
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
      // A job id of our own: BullMQ's counter restarts with an emptied Redis, and a repeated id would
      // continue an old run's ai_agent_executions row (src/agents/store.ts started()).
      const job = await queue.add(name, {}, { ...AGENT_JOB_OPTS, jobId: `run.${randomUUID()}` });
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
