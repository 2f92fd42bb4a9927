/**
 * "Ask": an MCP tool call that the policy does not let run by itself becomes an approval of kind
 * `mcp-call`, shown in the chat that asked: the server, the tool, its arguments rendered readably
 * (and cut), who asked; ✅ Allow once / ♾ Always allow (where only the default asked) / ❌ Deny.
 * The approval is pinned to those exact arguments;
 * the call runs once on ✅ (the compare-and-set of the tap decides who wins), as a job on a worker
 * (journalled: at most once), and its result is posted in that chat and added to its conversation,
 * so the assistant sees it on the next message.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { defineApprovalKind } from '../approvals/kind.js';
import type { ApprovalRow } from '../approvals/service.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Core } from '../core.js';
import { audit } from '../audit/log.js';
import { scrub } from '../secrets.js';
import type { StepJournal } from '../runs/journal.js';
import { callMcpTool, untrusted } from './calls.js';
import type { McpCallJob, McpCallJobs } from './port.js';

type Chat = { channel: ChannelName; chatId: string };

/** What an `mcp-call` approval's resume needs: where allowed calls go, and the chat to note a denial in. */
export type McpAskDeps = Pick<Core, 'mcp' | 'db'> & {
  jobs: McpCallJobs;
  /** Adds a line to the chat's conversation (what the assistant reads back). */
  note(chat: Chat, text: string): Promise<void>;
};

/** What carrying out an allowed call needs (on a worker). */
export type McpCallDeps = Pick<Core, 'mcp' | 'config' | 'db' | 'approvals'> & {
  journal: Pick<StepJournal, 'run'>;
  send(channel: ChannelName, chatId: string, message: OutboundMessage): Promise<MessageRef>;
  note(chat: Chat, text: string): Promise<void>;
};

/** At most this much of one argument's value is shown, and of all of them together. */
const VALUE_CHARS = 300;
const ARGS_CHARS = 1_500;

/** The arguments as the founder reads them: one `name: value` line each, long values cut. */
export function renderArguments(args: Record<string, unknown>): string {
  const lines = Object.entries(args).map(([k, v]) => {
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}: ${value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}… (${value.length} characters)` : value}`;
  });
  const text = lines.join('\n') || '(no arguments)';
  return text.length > ARGS_CHARS ? `${text.slice(0, ARGS_CHARS)}…` : text;
}

export const MCP_CALL_APPROVAL = defineApprovalKind({
  kind: 'mcp-call',
  payload: z.strictObject({ channel: z.string(), chatId: z.string(), server: z.string(), tool: z.string(), args: z.record(z.string(), z.unknown()) }),
  approvesAlways: true,
  async resume(approval, decider, deps: McpAskDeps, how) {
    const { channel, chatId, server, tool } = approval.payload;
    const chat = { channel, chatId };
    if (approval.status === 'approved' && how.always) {
      await deps.mcp.grants?.grant(server, tool, decider);
      await audit(deps.db.pool, decider, 'mcp.granted', `mcp:${server}.${tool}`, { approval: approval.id });
    }
    if (approval.status !== 'approved') {
      await deps.note(chat, `(${server}.${tool} was not run: the founder ${approval.status === 'rejected' ? 'denied it' : 'did not answer in time'}.)`);
      return;
    }
    // The call runs on a worker, once per approval (jobs/mcp-jobs.ts; carryOutMcpCall below).
    await deps.jobs.enqueue({ approvalId: approval.id, decider, always: how.always });
  },
  answer: (a) => (a.status === 'approved' ? `Allowed: running ${a.payload.server}.${a.payload.tool}…` : 'Denied. It was not run.'),
  alreadyDecided: () => 'Already answered.',
});

/**
 * Asks the founders in `input.chat` whether `server.tool` may run with `args`.
 * @returns the approval row (expires after `deploy.approvalTimeout` like any approval)
 */
export async function askMcpCall(
  deps: Pick<Core, 'approvals' | 'config'>,
  input: { actor: Actor; chat: Chat; server: string; tool: string; args: Record<string, unknown>; offerAlways: boolean; reply(m: OutboundMessage): Promise<MessageRef | void> },
): Promise<ApprovalRow> {
  return deps.approvals.request(MCP_CALL_APPROVAL, {
    threadId: `mcp:${randomUUID()}`,
    requestedBy: input.actor,
    title: `Allow ${input.server}.${input.tool}?`,
    text: renderArguments(input.args),
    waitingStatus: `Asked by the assistant for ${input.actor.name}; nothing runs without your tap.`,
    labels: { approve: '✅ Allow once', ...(input.offerAlways ? { approveAlways: '♾ Always allow' } : {}), reject: '❌ Deny', plainReject: true },
    expiresInMs: deps.config.deploy.approvalTimeoutMs,
    payload: { channel: input.chat.channel, chatId: input.chat.chatId, server: input.server, tool: input.tool, args: input.args },
    show: input.reply,
  });
}

/**
 * Carries out an allowed call (a worker's job): the approval's pinned server, tool and arguments,
 * journalled so that it runs at most once (a worker that died mid-call leaves it interrupted, and the
 * chat is told it was not run again); the result is posted in the chat that asked and added to its
 * conversation. Never throws for the call's own failure.
 * @throws Error when the approval is missing or not approved (the job is invalid)
 */
export async function carryOutMcpCall(deps: McpCallDeps, job: McpCallJob): Promise<void> {
  const row = await deps.approvals.get(job.approvalId);
  if (!row || row.kind !== MCP_CALL_APPROVAL.kind || row.status !== 'approved') throw new Error(`approval ${job.approvalId} is not an approved MCP call`);
  const { channel, chatId, server, tool, args } = MCP_CALL_APPROVAL.parse(row.payload);
  const chat = { channel, chatId };
  const step = await deps.journal.run(row.thread_id, 'call', () => callMcpTool(deps, { server, tool, args, requester: job.decider, approvalId: row.id }));
  if (step.kind === 'interrupted') {
    await deps.send(channel, chatId, { title: `⚠️ ${server}.${tool}`, text: `It was interrupted (AUREA stopped while it ran, at ${step.startedAt.toISOString().slice(11, 16)} UTC) and was not run again: check what it did before asking for it again.` });
    return;
  }
  if (step.replayed) return; // reported when it ran
  // What a server returns may echo a secret it was given: scrubbed like every message and prompt.
  const text = scrub(step.result.text, deps.config.secrets);
  await deps.send(channel, chatId, { title: `${step.result.ok ? '✅' : '⚠️'} ${server}.${tool}`, text: text || '(no output)', monospace: true });
  await deps.note(chat, `${server}.${tool} ran after the founder allowed it${job.always ? ' (always, from now on)' : ' once'}. Its result:\n${untrusted(`mcp:${server}.${tool}`, text)}`);
}
