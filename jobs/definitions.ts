/**
 * The job system's data: queue names, the scheduled agents with their default schedules, and
 * their payload schemas. Behaviour lives in jobs/agents/<agent>.ts.
 */
import { z } from 'zod';

/** The BullMQ queue that scheduled agents run on. */
export const AGENTS_QUEUE = 'agents';

export interface AgentDefinition {
  name: string;
  description: string;
  /** Used when aurea.config.yaml has neither `every` nor `cron` for the agent, milliseconds. */
  defaultEveryMs: number;
  /** The job payload; scheduled runs send `{}`. */
  payload: z.ZodType<Record<string, unknown>>;
}

export const AGENTS: readonly AgentDefinition[] = [
  {
    name: 'system-monitor',
    description: 'Checks every service health URL and alerts when one goes down or comes back',
    defaultEveryMs: 5 * 60_000,
    payload: z.strictObject({}),
  },
];
