/**
 * AUREA as an MCP server, for a coding agent (Claude Code, Cursor, Codex) that wants to know what
 * AUREA knows or to ask the founder through it: `POST /mcp` on AUREA's HTTP server (Streamable HTTP,
 * stateless; bearer token MCP_TOKEN, refused without it), built with the official SDK
 * (`@modelcontextprotocol/server` 2.x: the current protocol, and 2025-era clients served statelessly).
 *
 * Tools (each annotated, each with an output schema; `request_deploy` with `wait` returns the
 * founder's decision and the deploy's outcome): `status`, `services`, `recall`, `agents`,
 * `task_status` (read-only), `notify_founder` (an alert) and `ask_founder` (2–4 options as buttons;
 * the chosen one, or timeout), both rate-limited per token, and `request_deploy` / `create_task`
 * (they run /deploy and /task as the caller, with the same checks: nothing is deployed without the
 * founder's tap).
 * Every call is audited with the caller's label (`mcp-client:<label>`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { audit, latestAudited } from '../audit/log.js';
import { actorKey } from '../actor.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Core } from '../core.js';
import { describeError } from '../errors.js';
import { presentsAdminToken } from '../http/admin.js';
import { logEvery } from '../log.js';

/** What the server's tools use of AUREA. */
export type McpServeDeps = Pick<Core, 'config' | 'db' | 'commands' | 'memory' | 'taskStore' | 'alerts' | 'log' | 'questions' | 'deploys'>;

/** How a deploy can end (graphs/deploy: `deploy.<outcome>` in the audit log). */
const DEPLOY_OUTCOMES = ['deployed', 'tests_failed', 'rejected', 'rolled_back', 'rollback_failed', 'kept_after_interruption'] as const;
/** How often request_deploy with `wait` looks at the approval and the audit log. */
const WAIT_POLL_MS = 500;

/** notify_founder: at most this many messages per token per hour (a coding agent in a loop must not flood the founder). */
const NOTIFY_PER_HOUR = 20;

const text = z.object({ text: z.string() });

/**
 * The tools, on a new SDK server instance (the stateless handler asks for one per request).
 * @param caller who is calling (the token's label), for the audit and the founder's messages
 */
export async function aureaMcpServer(deps: McpServeDeps, caller: Actor, notifyBudget: { take(): boolean }) {
  const { McpServer } = await import('@modelcontextprotocol/server');
  const server = new McpServer({ name: 'aurea', version: '0.1.0' });
  const done = async (tool: string, outcome: 'ok' | 'error' | 'refused', details: Record<string, unknown> = {}) =>
    audit(deps.db.pool, caller, 'mcp.served', `mcp-tool:${tool}`, { outcome, ...details });
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
  const asText = async (tool: string, run: () => Promise<string>) => {
    try {
      const out = await run();
      await done(tool, 'ok');
      return { content: [{ type: 'text' as const, text: out }], structuredContent: { text: out } };
    } catch (err) {
      await done(tool, 'error');
      return { isError: true, content: [{ type: 'text' as const, text: describeError(err) }] };
    }
  };

  server.registerTool(
    'status',
    { title: 'AUREA status', description: "AUREA's /status: every service's health, the agents, what waits for the founder.", inputSchema: z.object({}), outputSchema: text, annotations: readOnly },
    async () => asText('status', () => deps.commands.runReadOnly('status', [], caller)),
  );
  server.registerTool(
    'agents',
    { title: 'Scheduled agents', description: "AUREA's /agents: each scheduled agent, its schedule and last run.", inputSchema: z.object({}), outputSchema: text, annotations: readOnly },
    async () => asText('agents', () => deps.commands.runReadOnly('agents', [], caller)),
  );
  server.registerTool(
    'services',
    {
      title: 'Services',
      description: 'The services AUREA watches and deploys: name, health URL, whether deploys need approval, whether they have test/deploy/rollback commands.',
      inputSchema: z.object({}),
      outputSchema: z.object({ services: z.array(z.object({ name: z.string(), health: z.string().nullable(), approval: z.string(), test: z.boolean(), deploy: z.boolean(), rollback: z.boolean() })) }),
      annotations: readOnly,
    },
    async () => {
      const services = Object.entries(deps.config.services).map(([name, s]) => ({ name, health: s.health ?? null, approval: s.approval, test: Boolean(s.test), deploy: Boolean(s.deploy), rollback: Boolean(s.rollback) }));
      await done('services', 'ok');
      return { content: [{ type: 'text' as const, text: JSON.stringify(services) }], structuredContent: { services } };
    },
  );
  server.registerTool(
    'recall',
    {
      title: 'Search memory',
      description: "Searches AUREA's long-term memory (decisions, incidents, facts the founder asked it to remember).",
      inputSchema: z.object({ query: z.string().min(1), limit: z.number().int().min(1).max(20).optional() }),
      outputSchema: z.object({ memories: z.array(z.object({ id: z.string(), type: z.string(), content: z.string(), score: z.number() })) }),
      annotations: readOnly,
    },
    async ({ query, limit }) => {
      const found = await deps.memory.recall(query, limit ?? 5);
      const memories = found.map((m) => ({ id: String(m.id), type: m.memory_type, content: m.content, score: m.score }));
      await done('recall', 'ok');
      return { content: [{ type: 'text' as const, text: memories.map((m) => `#${m.id} (${m.type}) ${m.content}`).join('\n') || 'Nothing found.' }], structuredContent: { memories } };
    },
  );
  server.registerTool(
    'task_status',
    {
      title: 'Task status',
      description: 'The status of a workforce task (/task) by its number.',
      inputSchema: z.object({ id: z.string().regex(/^#?\d+$/) }),
      outputSchema: z.object({ id: z.string(), service: z.string(), request: z.string(), status: z.string(), rounds: z.number(), detail: z.string().nullable() }),
      annotations: readOnly,
    },
    async ({ id }) => {
      const task = await deps.taskStore.get(id.replace(/^#/, ''));
      if (!task) {
        await done('task_status', 'error');
        return { isError: true, content: [{ type: 'text' as const, text: `There is no task #${id.replace(/^#/, '')}.` }] };
      }
      const out = { id: task.id, service: task.service, request: task.request, status: task.status, rounds: task.rounds, detail: task.detail };
      await done('task_status', 'ok');
      return { content: [{ type: 'text' as const, text: `Task #${task.id} on ${task.service}: ${task.status}${task.detail ? ` (${task.detail})` : ''}` }], structuredContent: out };
    },
  );
  server.registerTool(
    'notify_founder',
    {
      title: 'Notify the founder',
      description: `Sends the founder a message in chat, through AUREA's alerts (at most ${NOTIFY_PER_HOUR} an hour per token).`,
      inputSchema: z.object({ message: z.string().min(1).max(2_000), severity: z.enum(['info', 'warning', 'critical']).optional() }),
      outputSchema: z.object({ sent: z.boolean() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ message, severity }) => {
      if (!notifyBudget.take()) {
        await done('notify_founder', 'refused', { reason: 'rate limit' });
        return { isError: true, content: [{ type: 'text' as const, text: `Not sent: at most ${NOTIFY_PER_HOUR} messages an hour per token.` }] };
      }
      await deps.alerts.raise({ severity: severity ?? 'info', source: `mcp:${caller.id}`, message: `🤖 ${caller.name}: ${message}` });
      await done('notify_founder', 'ok');
      return { content: [{ type: 'text' as const, text: 'Sent.' }], structuredContent: { sent: true } };
    },
  );
  server.registerTool(
    'ask_founder',
    {
      title: 'Ask the founder',
      description:
        'Asks the founder a question in chat with 2 to 4 options as buttons, and waits for the tap (timeoutSeconds, default 50: set your client\'s request timeout above it). Returns the chosen option, or timeout.',
      inputSchema: z.object({ question: z.string().min(1).max(1_000), options: z.array(z.string().min(1).max(40)).min(2).max(4), timeoutSeconds: z.number().int().min(5).max(600).optional() }),
      outputSchema: z.object({ answer: z.string().nullable(), answeredBy: z.string().nullable(), timedOut: z.boolean() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ question, options, timeoutSeconds }) => {
      if (!notifyBudget.take()) {
        await done('ask_founder', 'refused', { reason: 'rate limit' });
        return { isError: true, content: [{ type: 'text' as const, text: `Not asked: at most ${NOTIFY_PER_HOUR} messages an hour per token.` }] };
      }
      const answer = await deps.questions.ask({ question, options, from: caller.name }, (timeoutSeconds ?? 50) * 1000);
      await done('ask_founder', 'ok', { answered: answer !== null });
      const out = { answer: answer?.option ?? null, answeredBy: answer?.by ?? null, timedOut: answer === null };
      return { content: [{ type: 'text' as const, text: answer ? `${answer.by} chose: ${answer.option}` : 'timeout: no answer in time' }], structuredContent: out };
    },
  );
  /** Runs one of AUREA's commands as the caller (the same checks as in chat), answered as text. */
  const command = async (name: string, args: string[]): Promise<string> => {
    const said: string[] = [];
    await deps.commands.dispatch({ actor: caller, chat: { channel: 'mcp', chatId: caller.id }, reply: async (m) => void said.push([m.title, m.text].filter(Boolean).join('\n')) }, name, args);
    return said.join('\n');
  };
  const worldChanging = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;
  server.registerTool(
    'request_deploy',
    {
      title: 'Request a deploy',
      description:
        "Starts /deploy for a service: its tests run, then the founder is asked to approve it in chat; nothing deploys without the tap. Returns at once: follow it with status.",
      inputSchema: z.object({ service: z.string().min(1), wait: z.boolean().optional(), timeoutSeconds: z.number().int().min(5).max(600).optional() }),
      outputSchema: z.object({
        started: z.boolean(),
        message: z.string(),
        approvalId: z.string().nullable(),
        decision: z.enum(['pending', 'approved', 'rejected', 'expired']).nullable(),
        outcome: z.enum(DEPLOY_OUTCOMES).nullable(),
        timedOut: z.boolean(),
      }),
      annotations: worldChanging,
    },
    async ({ service, wait, timeoutSeconds }) => {
      const since = new Date(); // the approval and the outcome of this call come after it
      const message = await command('deploy', [service]);
      const started = message.startsWith('🚀');
      await done('request_deploy', started ? 'ok' : 'error', { service });
      const out = { started, message, approvalId: null as string | null, decision: null as 'pending' | 'approved' | 'rejected' | 'expired' | null, outcome: null as (typeof DEPLOY_OUTCOMES)[number] | null, timedOut: false };
      if (started && wait) Object.assign(out, await waitForDeploy(deps, caller, service, since, (timeoutSeconds ?? 50) * 1000));
      const text = out.outcome ? `${message}\nOutcome: ${out.outcome.replaceAll('_', ' ')}.` : out.timedOut ? `${message}\nStill going when the wait ended (${out.decision ?? 'no approval yet'}): follow it with status.` : message;
      return { ...(started ? {} : { isError: true }), content: [{ type: 'text' as const, text }], structuredContent: out };
    },
  );
  server.registerTool(
    'create_task',
    {
      title: 'Create a workforce task',
      description: 'Starts /task: AUREA plans, codes and tests the change in its sandbox, and asks the founder to approve it before deploying. Returns the task number: follow it with task_status.',
      inputSchema: z.object({ service: z.string().min(1), request: z.string().min(3).max(2_000) }),
      outputSchema: z.object({ taskId: z.string().nullable(), message: z.string() }),
      annotations: worldChanging,
    },
    async ({ service, request }) => {
      const message = await command('task', [service, ...request.split(/\s+/).filter(Boolean)]);
      const taskId = /^🛠 Task #(\d+)/.exec(message)?.[1] ?? null;
      await done('create_task', taskId ? 'ok' : 'error', { service, ...(taskId ? { task: taskId } : {}) });
      return { ...(taskId ? {} : { isError: true }), content: [{ type: 'text' as const, text: message }], structuredContent: { taskId, message } };
    },
  );
  return server;
}

/** A token bucket: `perHour` takes an hour, refilled continuously. */
export function hourlyBudget(perHour: number, now = () => Date.now()) {
  let tokens = perHour;
  let at = now();
  return {
    take(): boolean {
      const t = now();
      tokens = Math.min(perHour, tokens + ((t - at) / 3_600_000) * perHour);
      at = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/**
 * `POST /mcp` (and GET/DELETE, answered statelessly by the SDK): 401 without `Authorization: Bearer
 * <MCP_TOKEN>` (logged at most once a minute, never written to the database); 404 when MCP_TOKEN is
 * unset (the server is off).
 */
export async function mcpRoute(deps: McpServeDeps, token: string | undefined): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const [{ createMcpHandler }, { toNodeHandler }] = await Promise.all([import('@modelcontextprotocol/server'), import('@modelcontextprotocol/node')]);
  const caller: Actor = { platform: 'system', id: 'mcp-client', name: 'MCP client' };
  const budget = hourlyBudget(NOTIFY_PER_HOUR);
  const refused = logEvery(deps.log, 60_000, 'mcp server: a request without the right bearer token was refused');
  const handler = toNodeHandler(createMcpHandler(() => aureaMcpServer(deps, caller, budget), { legacy: 'stateless', onerror: (err) => deps.log.warn({ err }, 'mcp server: request failed') }));
  return async (req, res) => {
    if (!token) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end("AUREA's MCP server is off: set MCP_TOKEN to turn it on.\n");
      return;
    }
    if (!presentsAdminToken(req, token)) {
      // Logged, at most once a minute, not audited: whoever reaches the port must not be able to
      // make AUREA write a row per request.
      refused(new Error('no or wrong bearer token'));
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="AUREA MCP"' }).end('The MCP server needs Authorization: Bearer <MCP_TOKEN>.\n');
      return;
    }
    await handler(req, res);
  };
}

/**
 * Waits for the deploy `caller` started on `service` to be decided and to end: its approval (created
 * once the tests pass), then `deploy.<outcome>` in the audit log, until `timeoutMs`.
 */
type Decision = 'pending' | 'approved' | 'rejected' | 'expired';

async function waitForDeploy(deps: McpServeDeps, caller: Actor, service: string, since: Date, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let approvalId: string | null = null;
  let decision: Decision | null = null;
  let thread: string | undefined;
  while (Date.now() < deadline) {
    // Its approval: the newest of the service's, asked for this caller since the call; its thread
    // then tells this deploy's outcome from an earlier one's that ends meanwhile.
    const latest = await deps.deploys.latestApproval(service);
    if (latest && latest.created_at >= since && latest.requested_by === actorKey(caller)) {
      approvalId = latest.id;
      decision = latest.status as Decision;
      thread = latest.thread_id;
    }
    // Without an approval yet, only failed tests can have ended it.
    const actions = thread ? DEPLOY_OUTCOMES.map((o) => `deploy.${o}`) : ['deploy.tests_failed'];
    const ended = await latestAudited(deps.db.pool, { actor: actorKey(caller), target: `service:${service}`, actions, since, ...(thread ? { thread } : {}) });
    if (ended) return { approvalId, decision, outcome: ended.action.slice('deploy.'.length) as (typeof DEPLOY_OUTCOMES)[number], timedOut: false };
    await sleep(WAIT_POLL_MS);
  }
  return { approvalId, decision, outcome: null, timedOut: true };
}
