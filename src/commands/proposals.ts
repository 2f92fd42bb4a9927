/**
 * Proposed commands: a world-changing command that did not come from the founder's own typing
 * (a voice note, the assistant's tool call) is an approval of kind `command`: one table, one
 * compare-and-set, the same expiry, audit and edit as a deploy approval. ▶ Run it approves it,
 * ✖ Cancel rejects it; its kind's resume runs the command in the chat where it was proposed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { defineApprovalKind } from '../approvals/kind.js';
import type { ApprovalRow, ApprovalService } from '../approvals/service.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Config } from '../config.js';
import type { CommandRegistry } from './registry.js';

type Chat = { channel: ChannelName; chatId: string };

/** What a proposal's resume needs: a way to answer in a chat, and to run command text there as a founder's own typing (the router). */
export interface ProposalDeps {
  send(channel: ChannelName, chatId: string, message: OutboundMessage): Promise<MessageRef>;
  run(input: { actor: Actor; chat: Chat; text: string; reply(m: OutboundMessage): Promise<MessageRef | void> }): Promise<unknown>;
}

/**
 * A proposed command (`command`): pinned to the command text and the chat where it was proposed.
 * Once ▶ Run it wins, the command runs as the founder who tapped, in that chat.
 */
export const COMMAND_APPROVAL = defineApprovalKind({
  kind: 'command',
  /** `command`: the command text without slash (`deploy billing`). */
  payload: z.strictObject({ channel: z.string(), chatId: z.string(), command: z.string().min(1) }),
  async resume(approval, decider, deps: ProposalDeps) {
    if (approval.status !== 'approved') return;
    const { channel, chatId, command } = approval.payload;
    await deps.run({ actor: decider, chat: { channel, chatId }, text: `/${command}`, reply: (m) => deps.send(channel, chatId, m) });
  },
  answer: (a) => (a.status === 'approved' ? `Running ${a.body}` : 'Cancelled. Nothing was run.'),
  alreadyDecided: () => 'Already answered.',
});

/**
 * Stores the proposal as a `command` approval and shows it, in `input.reply`'s chat only, with
 * ▶ Run it / ✖ Cancel. It expires after `deploy.approvalTimeout` like any approval.
 * @param input.command the command text without slash (`deploy billing`)
 */
export async function propose(
  deps: { approvals: ApprovalService; config: Pick<Config, 'deploy'>; commands: Pick<CommandRegistry, 'prefix'> },
  input: { actor: Actor; chat: Chat; command: string; title: string; status: string; reply(m: OutboundMessage): Promise<MessageRef | void> },
): Promise<ApprovalRow> {
  return deps.approvals.request(COMMAND_APPROVAL, {
    threadId: `command:${randomUUID()}`,
    requestedBy: input.actor,
    title: input.title,
    text: `${deps.commands.prefix(input.chat.channel)}${input.command}`,
    waitingStatus: input.status,
    labels: { approve: '▶ Run it', reject: '✖ Cancel', plainReject: true },
    expiresInMs: deps.config.deploy.approvalTimeoutMs,
    payload: { channel: input.chat.channel, chatId: input.chat.chatId, command: input.command },
    show: input.reply,
  });
}
