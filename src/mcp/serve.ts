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
 * (served-work.ts: they run /deploy and /task as the caller, with the same checks, and confirm
 * through elicitation where the client supports it; nothing is deployed without the founder's tap).
 * Every call is audited with the caller's label (`mcp-client:<label>`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { describeError } from '../errors.js';
import { presentsToken } from '../http/admin.js';
import { logEvery } from '../log.js';
import { registerWorkTools } from './served-work.js';

/** What the server's tools use of AUREA. */
export type McpServeDeps = Pick<Core, 'config' | 'db' | 'commands' | 'memory' | 'taskStore' | 'alerts' | 'log' | 'questions' | 'deploys' | 'approvals'>;

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
  await registerWorkTools(server, deps, caller, done);
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
 * `POST /mcp` (and GET/DELETE, answered statelessly by the SDK): 404 when MCP_TOKEN is unset (the
 * server is off); 403 when the Host or Origin header names neither localhost nor one of
 * `allowedHosts` (DNS-rebinding protection: MCP spec, transports, "Security Warning"); 401 without
 * `Authorization: Bearer <MCP_TOKEN>` (logged at most once a minute, never written to the database).
 * @param allowedHosts host names besides localhost (MCP_ALLOWED_HOSTS), lower case, no port
 */
export async function mcpRoute(deps: McpServeDeps, token: string | undefined, allowedHosts: string[] = []): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const [{ createMcpHandler, localhostAllowedHostnames, localhostAllowedOrigins, validateHostHeader, validateOriginHeader }, { toNodeHandler }] = await Promise.all([
    import('@modelcontextprotocol/server'),
    import('@modelcontextprotocol/node'),
  ]);
  const hosts = [...localhostAllowedHostnames(), ...allowedHosts];
  const origins = [...localhostAllowedOrigins(), ...allowedHosts];
  const caller: Actor = { platform: 'system', id: 'mcp-client', name: 'MCP client' };
  const budget = hourlyBudget(NOTIFY_PER_HOUR);
  const refused = logEvery(deps.log, 60_000, 'mcp server: a request without the right bearer token was refused');
  const handler = toNodeHandler(createMcpHandler(() => aureaMcpServer(deps, caller, budget), { legacy: 'stateless', onerror: (err) => deps.log.warn({ err }, 'mcp server: request failed') }));
  return async (req, res) => {
    if (!token) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end("AUREA's MCP server is off: set MCP_TOKEN to turn it on.\n");
      return;
    }
    const host = validateHostHeader(req.headers.host, hosts);
    const origin = validateOriginHeader(req.headers.origin, origins);
    if (!host.ok || !origin.ok) {
      const why = !host.ok ? `Host ${req.headers.host ?? '(none)'}` : `Origin ${req.headers.origin}`;
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: `${why} is not allowed: AUREA's MCP server answers localhost and the names in MCP_ALLOWED_HOSTS.` } }));
      return;
    }
    if (!presentsToken(req, token)) {
      // Logged, at most once a minute, not audited: whoever reaches the port must not be able to
      // make AUREA write a row per request.
      refused(new Error('no or wrong bearer token'));
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="AUREA MCP"' }).end('The MCP server needs Authorization: Bearer <MCP_TOKEN>.\n');
      return;
    }
    await handler(req, res);
  };
}
