/**
 * Proposed commands: a world-changing command that did not come from the founder's own typing
 * (a voice note, the assistant's tool call) is an approval of kind `command`: one table, one
 * compare-and-set, the same expiry, audit and edit as a deploy approval. ▶ Run it approves it,
 * ✖ Cancel rejects it; its resumer runs the command in the chat where it was proposed.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.js';
import type { ApprovalRow, ApprovalService } from '../approvals/service.js';
import type { ApprovalResumer } from '../approvals/tap.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Config } from '../config.js';
import type { CommandRegistry } from './registry.js';

export const COMMAND_APPROVAL = 'command';

type Chat = { channel: ChannelName; chatId: string };

interface ProposalPayload {
  channel: ChannelName;
  chatId: string;
  /** The command text without slash (`deploy billing`). */
  command: string;
}

/**
 * Stores the proposal as a `command` approval and shows it, in `input.reply`'s chat only, with
 * ▶ Run it / ✖ Cancel. It expires after `deploy.approvalTimeout` like any approval.
 * @param input.command the command text without slash (`deploy billing`)
 */
export async function propose(
  deps: { approvals: ApprovalService; config: Pick<Config, 'deploy'>; commands: Pick<CommandRegistry, 'prefix'> },
  input: { actor: Actor; chat: Chat; command: string; title: string; status: string; reply(m: OutboundMessage): Promise<MessageRef | void> },
): Promise<ApprovalRow> {
  const payload: ProposalPayload = { channel: input.chat.channel, chatId: input.chat.chatId, command: input.command };
  return deps.approvals.request({
    kind: COMMAND_APPROVAL,
    threadId: `command:${randomUUID()}`,
    requestedBy: input.actor,
    title: input.title,
    text: `${deps.commands.prefix(input.chat.channel)}${input.command}`,
    waitingStatus: input.status,
    labels: { approve: '▶ Run it', reject: '✖ Cancel', plainReject: true },
    expiresInMs: deps.config.deploy.approvalTimeoutMs,
    payload: { ...payload },
    show: input.reply,
  });
}

/**
 * The resumer of `command` approvals: once ▶ Run it wins, runs the command as the founder who
 * tapped, in the chat where it was proposed (answers go there through `send`).
 * @param run runs command text in a chat as `actor`'s own typing (the router)
 */
export function proposalResumer(deps: {
  send(channel: ChannelName, chatId: string, message: OutboundMessage): Promise<MessageRef>;
  run(input: { actor: Actor; chat: Chat; text: string; reply(m: OutboundMessage): Promise<MessageRef | void> }): Promise<unknown>;
}): ApprovalResumer {
  const proposal = (a: ApprovalRow) => a.payload as unknown as ProposalPayload & { text: string };
  return {
    async resume(approval, decider) {
      if (approval.status !== 'approved') return;
      const { channel, chatId, command } = proposal(approval);
      await deps.run({ actor: decider, chat: { channel, chatId }, text: `/${command}`, reply: (m) => deps.send(channel, chatId, m) });
    },
    answer: (a) => (a.status === 'approved' ? `Running ${proposal(a).text}` : 'Cancelled. Nothing was run.'),
    alreadyDecided: () => 'Already answered.',
  };
}
