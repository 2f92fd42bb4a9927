/**
 * The job system's data: queue names and the graph jobs' payload schema. The scheduled agents
 * declare themselves in jobs/agents/ (jobs/agents/kit.ts).
 */
import { z } from 'zod';

/** The BullMQ queue that scheduled agents run on. */
export const AGENTS_QUEUE = 'agents';

/** The BullMQ queue that graph runs (deploys) execute on, from their Postgres checkpoints. */
export const GRAPHS_QUEUE = 'graphs';

/** A graph job's payload (src/runs/port.ts GraphJob), checked before a worker runs it. */
export const graphJobSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start'), graph: z.enum(['deploy', 'task']), threadId: z.string().min(1), input: z.record(z.string(), z.unknown()) }),
  z.strictObject({ action: z.literal('resume'), graph: z.enum(['deploy', 'task']), threadId: z.string().min(1), approvalId: z.string().regex(/^\d+$/) }),
]);
