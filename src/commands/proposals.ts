/**
 * Proposed commands: a world-changing command that did not come from the founder's own typing
 * (a voice note, the assistant's tool call) waits in `pending_commands` for a Run/Cancel tap.
 */
import type { Actor } from '../actor.js';
import { actorKey } from '../actor.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Core } from '../core.js';
import { commandPrefix } from './registry.js';

export const PROPOSAL_TAP = /^cmd:(\d{1,20}):(run|cancel)$/;

/**
 * Stores the proposal and shows it with ▶ Run it / ✖ Cancel.
 * @param command the command text without slash (`deploy billing`)
 */
export async function propose(
  core: Pick<Core, 'db'>,
  input: { actor: Actor; chat: { channel: ChannelName; chatId: string }; command: string; title: string; status: string; reply(m: OutboundMessage): Promise<MessageRef | void> },
): Promise<void> {
  const { rows } = await core.db.pool.query<{ id: string }>(
    'INSERT INTO pending_commands (channel, chat_id, actor, command) VALUES ($1, $2, $3, $4) RETURNING id',
    [input.chat.channel, input.chat.chatId, actorKey(input.actor), input.command],
  );
  const id = rows[0]!.id;
  await input.reply({
    title: input.title,
    text: `${commandPrefix(input.chat.channel)}${input.command}`,
    status: input.status,
    buttons: [[{ label: '▶ Run it', data: `cmd:${id}:run`, style: 'primary' }, { label: '✖ Cancel', data: `cmd:${id}:cancel` }]],
  });
}

/**
 * A tap on Run/Cancel (`cmd:<id>:run|cancel`). Compare-and-set, so a double tap runs it once; the
 * command then runs in the chat where it was proposed.
 * @param run how to run command text in a chat as the tapper's own (the inbound text path)
 * @returns the answer for the tapper
 */
export async function confirmProposal(
  core: Pick<Core, 'db' | 'tasks' | 'broadcaster'>,
  data: string,
  run: (chat: { channel: ChannelName; chatId: string }, command: string, reply: (m: OutboundMessage) => Promise<MessageRef>) => Promise<void>,
): Promise<string> {
  const m = PROPOSAL_TAP.exec(data);
  if (!m) return 'This button is no longer valid.';
  const accept = m[2] === 'run';
  const { rows } = await core.db.pool.query<{ channel: ChannelName; chat_id: string; command: string }>(
    `UPDATE pending_commands SET status = $2 WHERE id = $1 AND status = 'pending' RETURNING channel, chat_id, command`,
    [m[1], accept ? 'run' : 'cancelled'],
  );
  const pending = rows[0];
  if (!pending) return 'Already answered.';
  if (!accept) return 'Cancelled. Nothing was run.';
  const chat = { channel: pending.channel, chatId: pending.chat_id };
  core.tasks.run(`proposed command ${m[1]}`, () => run(chat, pending.command, (message) => core.broadcaster.sendTo(chat.channel, chat.chatId, message)));
  return `Running ${commandPrefix(chat.channel)}${pending.command}`;
}
