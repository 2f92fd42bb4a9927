/**
 * The tools of AUREA's MCP server that start work behind the founder: `request_deploy` (/deploy)
 * and `create_task` (/task). Each runs the command as the caller, with the same checks as in chat;
 * nothing deploys without a founder's tap in chat.
 *
 * Elicitation: a client that declares it (MCP 2026-07-28's multi-round-trip `input_required`,
 * which a stateless server can use: the client answers and calls again with the answer) is first
 * asked to confirm (a task's request can be edited there) and whether to wait for the founder's
 * decision; declined or cancelled → nothing is started. A 2025-era client, served statelessly, has
 * no channel for it: the tool starts at once and returns the approval id or task number to follow
 * with `status` / `task_status`. An elicitation's answer never approves anything: the founder's
 * tap stays the only approval.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { McpServer, ServerContext, InputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { actorKey, type Actor } from '../actor.js';
import type { ApprovalStatus } from '../approvals/row.js';
import { latestAudited } from '../audit/log.js';
import type { Core } from '../core.js';

/** How a deploy can end (graphs/deploy: `deploy.<outcome>` in the audit log). */
const DEPLOY_OUTCOMES = ['deployed', 'tests_failed', 'rejected', 'rolled_back', 'rollback_failed', 'kept_after_interruption'] as const;
type DeployOutcome = (typeof DEPLOY_OUTCOMES)[number];
/** How often a waiting tool looks at the approval, the task and the audit log. */
const WAIT_POLL_MS = 500;
/** Default wait, under the SDK client's 60 s request timeout. */
const DEFAULT_WAIT_S = 50;

/** What the work tools use of AUREA. */
export type WorkToolDeps = Pick<Core, 'config' | 'db' | 'commands' | 'taskStore' | 'deploys' | 'approvals'>;

/** Records a served call in the audit log (serve.ts). */
export type Served = (tool: string, outcome: 'ok' | 'error' | 'refused', details?: Record<string, unknown>) => Promise<void>;

const worldChanging = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

/** Registers `request_deploy` and `create_task` on `server`, acting as `caller`. */
export async function registerWorkTools(server: McpServer, deps: WorkToolDeps, caller: Actor, served: Served): Promise<void> {
  const { inputRequired, inputResponse, acceptedContent } = await import('@modelcontextprotocol/server');

  /**
   * Asks the client's user through elicitation, when the client declared it (form mode).
   * @returns `unsupported` (go on without), `ask` (return `result`: the client answers and calls
   *   again), `declined`, or the accepted content (validated against `schema`)
   */
  function confirm<S extends z.ZodObject>(ctx: ServerContext, message: string, schema: S):
    | { kind: 'unsupported' }
    | { kind: 'ask'; result: InputRequiredResult }
    | { kind: 'declined'; action: string }
    | { kind: 'confirmed'; content: z.infer<S> } {
    const elicitation = server.server.getClientCapabilities()?.elicitation;
    if (!elicitation || (elicitation.url && !elicitation.form)) return { kind: 'unsupported' };
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
    if (answer.kind === 'elicit' && answer.action !== 'accept') return { kind: 'declined', action: answer.action };
    const content = acceptedContent(ctx.mcpReq.inputResponses, 'confirm', schema);
    if (content) return { kind: 'confirmed', content: content as z.infer<S> };
    return { kind: 'ask', result: inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message, requestedSchema: schema }) } }) };
  }

  /** Runs one of AUREA's commands as the caller (the same checks as in chat), answered as text. */
  const command = async (name: string, args: string[]): Promise<string> => {
    const said: string[] = [];
    await deps.commands.dispatch({ actor: caller, chat: { channel: 'mcp', chatId: caller.id }, reply: async (m) => void said.push([m.title, m.text].filter(Boolean).join('\n')) }, name, args);
    return said.join('\n');
  };
  const declined = (action: string) => `Nothing started: ${action === 'cancel' ? 'cancelled' : 'declined'} in the client.`;

  const deployOut = z.object({
    started: z.boolean(),
    message: z.string(),
    approvalId: z.string().nullable(),
    decision: z.enum(['pending', 'approved', 'rejected', 'expired']).nullable(),
    outcome: z.enum(DEPLOY_OUTCOMES).nullable(),
    timedOut: z.boolean(),
  });
  server.registerTool(
    'request_deploy',
    {
      title: 'Request a deploy',
      description:
        "Starts /deploy for a service: its tests run, then the founder is asked to approve it in chat; nothing deploys without the tap. With wait (asked through elicitation where the client supports it), returns the founder's decision and the deploy's outcome; otherwise follow it with status.",
      inputSchema: z.object({ service: z.string().min(1), wait: z.boolean().optional(), timeoutSeconds: z.number().int().min(5).max(600).optional() }),
      outputSchema: deployOut,
      annotations: worldChanging,
    },
    async ({ service, wait, timeoutSeconds }, ctx) => {
      const none = { approvalId: null, decision: null, outcome: null, timedOut: false };
      if (!deps.config.services[service]) {
        const message = `There is no service "${service}". Services: ${Object.keys(deps.config.services).join(', ') || 'none'}.`;
        await served('request_deploy', 'error', { service });
        return { isError: true, content: [{ type: 'text' as const, text: message }], structuredContent: { started: false, message, ...none } };
      }
      const asked = confirm(
        ctx,
        `Deploy ${service}? AUREA runs its tests, then asks the founder in chat to approve; nothing deploys without their tap.`,
        z.object({ wait: z.boolean().default(wait ?? true).describe("Wait here for the founder's decision and the deploy's outcome") }),
      );
      if (asked.kind === 'ask') return asked.result;
      if (asked.kind === 'declined') {
        await served('request_deploy', 'refused', { service, reason: 'declined in the client' });
        const message = declined(asked.action);
        return { content: [{ type: 'text' as const, text: message }], structuredContent: { started: false, message, ...none } };
      }
      const waiting = asked.kind === 'confirmed' ? asked.content.wait : wait === true;
      const since = new Date(); // the approval and the outcome of this call come after it
      const message = await command('deploy', [service]);
      const started = message.startsWith('🚀');
      await served('request_deploy', started ? 'ok' : 'error', { service });
      const out: z.infer<typeof deployOut> = { started, message, ...none };
      if (started && waiting) Object.assign(out, await waitForDeploy(deps, caller, service, since, (timeoutSeconds ?? DEFAULT_WAIT_S) * 1000));
      const text = out.outcome ? `${message}\nOutcome: ${out.outcome.replaceAll('_', ' ')}.` : out.timedOut ? `${message}\nStill going when the wait ended (${out.decision ?? 'no approval yet'}): follow it with status.` : message;
      return { ...(started ? {} : { isError: true }), content: [{ type: 'text' as const, text }], structuredContent: out };
    },
  );

  const taskOut = z.object({
    taskId: z.string().nullable(),
    message: z.string(),
    status: z.string().nullable(),
    approvalId: z.string().nullable(),
    timedOut: z.boolean(),
  });
  server.registerTool(
    'create_task',
    {
      title: 'Create a workforce task',
      description:
        "Starts /task: AUREA plans, codes and tests the change in its sandbox, and asks the founder to approve it before deploying. Returns the task number (follow it with task_status); with wait (asked through elicitation where the client supports it), returns once the task waits for the founder's approval or has ended.",
      inputSchema: z.object({ service: z.string().min(1), request: z.string().min(3).max(2_000), wait: z.boolean().optional(), timeoutSeconds: z.number().int().min(5).max(600).optional() }),
      outputSchema: taskOut,
      annotations: worldChanging,
    },
    async (args, ctx) => {
      const nothing = { taskId: null, status: null, approvalId: null, timedOut: false };
      const asked = confirm(
        ctx,
        `Start a task on ${args.service}? AUREA plans, codes and tests it in its sandbox, then asks the founder in chat before deploying. You can edit the request.`,
        z.object({
          request: z.string().min(3).max(2_000).default(args.request).describe('What to change'),
          wait: z.boolean().default(args.wait ?? true).describe("Wait here until it needs the founder's approval or ends"),
        }),
      );
      if (asked.kind === 'ask') return asked.result;
      if (asked.kind === 'declined') {
        await served('create_task', 'refused', { service: args.service, reason: 'declined in the client' });
        const message = declined(asked.action);
        return { content: [{ type: 'text' as const, text: message }], structuredContent: { message, ...nothing } };
      }
      const { request, wait } = asked.kind === 'confirmed' ? asked.content : { request: args.request, wait: args.wait === true };
      const message = await command('task', [args.service, ...request.split(/\s+/).filter(Boolean)]);
      const taskId = /^🛠 Task #(\d+)/.exec(message)?.[1] ?? null;
      await served('create_task', taskId ? 'ok' : 'error', { service: args.service, ...(taskId ? { task: taskId } : {}) });
      if (!taskId) return { isError: true, content: [{ type: 'text' as const, text: message }], structuredContent: { message, ...nothing } };
      const out: z.infer<typeof taskOut> = { taskId, message, status: 'running', approvalId: null, timedOut: false };
      if (wait) Object.assign(out, await waitForTask(deps, taskId, (args.timeoutSeconds ?? DEFAULT_WAIT_S) * 1000));
      const text = out.approvalId
        ? `${message}\nWaiting for the founder's approval (approval ${out.approvalId}).`
        : out.status !== 'running'
          ? `${message}\nTask #${taskId} ended: ${out.status!.replaceAll('_', ' ')}.`
          : wait ? `${message}\nStill working when the wait ended: follow it with task_status.` : message;
      return { content: [{ type: 'text' as const, text }], structuredContent: out };
    },
  );
}

/**
 * Waits for the deploy `caller` started on `service` to be decided and to end: its approval (created
 * once the tests pass), then `deploy.<outcome>` in the audit log, until `timeoutMs`.
 */
async function waitForDeploy(deps: WorkToolDeps, caller: Actor, service: string, since: Date, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let approvalId: string | null = null;
  let decision: ApprovalStatus | null = null;
  let thread: string | undefined;
  while (Date.now() < deadline) {
    // Its approval: the newest of the service's, asked for this caller since the call; its thread
    // then tells this deploy's outcome from an earlier one's that ends meanwhile.
    const latest = await deps.deploys.latestApproval(service);
    if (latest && latest.created_at >= since && latest.requested_by === actorKey(caller)) {
      approvalId = latest.id;
      decision = latest.status;
      thread = latest.thread_id;
    }
    // Without an approval yet, only failed tests can have ended it.
    const actions = thread ? DEPLOY_OUTCOMES.map((o) => `deploy.${o}`) : ['deploy.tests_failed'];
    const ended = await latestAudited(deps.db.pool, { actor: actorKey(caller), target: `service:${service}`, actions, since, ...(thread ? { thread } : {}) });
    if (ended) return { approvalId, decision, outcome: ended.action.slice('deploy.'.length) as DeployOutcome, timedOut: false };
    await sleep(WAIT_POLL_MS);
  }
  return { approvalId, decision, outcome: null, timedOut: true };
}

/** Waits until task `taskId` waits for a founder's approval (its pending approval) or has ended, until `timeoutMs`. */
async function waitForTask(deps: WorkToolDeps, taskId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const task = await deps.taskStore.get(taskId);
    if (!task) break;
    if (task.status !== 'running') return { status: task.status, approvalId: null, timedOut: false };
    const approval = task.thread_id ? await deps.approvals.latestOfThread(task.thread_id) : null;
    if (approval?.status === 'pending') return { status: task.status, approvalId: approval.id, timedOut: false };
    await sleep(WAIT_POLL_MS);
  }
  return { status: 'running', approvalId: null, timedOut: true };
}
