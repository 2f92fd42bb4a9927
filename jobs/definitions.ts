/**
 * The job system's data: queue names and the graph jobs' payload schema. The scheduled agents
 * declare themselves in jobs/agents/ (jobs/agents/kit.ts).
 */
import { z } from 'zod';

/** The BullMQ queue that scheduled agents run on. */
export const AGENTS_QUEUE = 'agents';

/** The BullMQ queue that MCP tool calls the founder allowed run on (src/mcp/ask.ts). */
export const TOOLS_QUEUE = 'tools';

/** The BullMQ queue that graph runs (deploys) execute on, from their Postgres checkpoints. */
export const GRAPHS_QUEUE = 'graphs';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A graph thread id: words, then a UUID last (`deploy:billing:<uuid>`, `task:3:<uuid>`), so the
 * jobs that name a thread never repeat across databases.
 */
export const threadIdSchema = z.string().regex(new RegExp(`^[a-z][a-z0-9:_-]*:${UUID}$`), { error: 'a thread id ends with a UUID' });

/** The UUID at the end of a thread id. */
export const threadUuid = (threadId: string) => threadId.slice(-36);

const graph = z.enum(['deploy', 'task', 'rollback']);

/** A graph job's payload (src/runs/port.ts GraphJob), checked before a worker runs it. */
export const graphJobSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start'), graph, threadId: threadIdSchema, input: z.record(z.string(), z.unknown()) }),
  z.strictObject({ action: z.literal('resume'), graph, threadId: threadIdSchema, approvalId: z.string().regex(new RegExp(`^${UUID}$`), { error: 'an approval id is a UUID' }) }),
  z.strictObject({ action: z.literal('continue'), graph, threadId: threadIdSchema }),
]);

/** An allowed MCP call's job (src/mcp/port.ts McpCallJob), checked before a worker runs it. */
export const mcpCallJobSchema = z.strictObject({
  approvalId: z.string().regex(new RegExp(`^${UUID}$`), { error: 'an approval id is a UUID' }),
  decider: z.strictObject({ platform: z.string(), id: z.string(), name: z.string() }),
  always: z.boolean(),
});
