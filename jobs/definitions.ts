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

/** The BullMQ queue that graph runs (deploys) execute on, from their Postgres checkpoints. */
export const GRAPHS_QUEUE = 'graphs';

/** A graph job's payload (src/runs/port.ts GraphJob), checked before a worker runs it. */
export const graphJobSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start'), graph: z.enum(['deploy', 'task']), threadId: z.string().min(1), input: z.record(z.string(), z.unknown()) }),
  z.strictObject({ action: z.literal('resume'), graph: z.enum(['deploy', 'task']), threadId: z.string().min(1), approvalId: z.string().regex(/^\d+$/) }),
]);
