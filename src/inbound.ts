/**
 * What every channel does with what a person sends: the one place that decides who is served and
 * routes text to the command registry and taps to the approval path. Adapters (Telegram, Slack,
 * console) only translate platform events into these calls.
 */
import { REFUSAL_TEXT, isFounder } from './access.js';
import { actorKey, cleanActor, type Actor } from './actor.js';
import { handleApprovalTap } from './approvals/tap.js';
import type { ChannelName, MessageRef, OutboundMessage } from './channels/port.js';
import { parseCommandText } from './commands/registry.js';
import type { Core } from './core.js';
import { confirmProposal } from './commands/proposals.js';
import { cleanText } from './text/clean.js';

export interface InboundText {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  /** What they wrote: `/deploy billing`, `deploy billing` (console, Slack slash command), or free text. */
  text: string;
  reply(message: OutboundMessage): Promise<MessageRef | void>;
}

/** Where a refused person is answered: their chat (a message, at most once per hour) or a tap's answer (always). */
export type RefusalTarget = { chat: { channel: ChannelName; chatId: string }; reply(message: OutboundMessage): Promise<MessageRef | void> } | 'tap';

/**
 * Lets founders through and refuses everyone else: counted, audited (aggregated per stranger) and
 * logged. In a chat the refusal text is sent here, at most once per chat per hour
 * (src/refusals.ts); a tap's caller answers the tap with REFUSAL_TEXT itself.
 * @returns true when `actor` is served
 */
export async function admit(core: Pick<Core, 'config' | 'log' | 'metrics' | 'refusals'>, actor: Actor, attempted: string, from: RefusalTarget): Promise<boolean> {
  if (isFounder(core.config, actor)) {
    core.metrics.updatesHandled.inc({ platform: actor.platform, outcome: 'handled' });
    return true;
  }
  core.metrics.updatesHandled.inc({ platform: actor.platform, outcome: 'refused' });
  const window = from === 'tap' ? `tap:${actorKey(actor)}` : `${from.chat.channel}:${from.chat.chatId}`;
  if (await core.refusals.refuse(actor, window, attempted)) {
    core.log.info({ platform: actor.platform, userId: actor.id, name: actor.name }, 'refused a non-founder (if this is you, add the id to the founders)');
    if (from !== 'tap') await from.reply({ text: REFUSAL_TEXT });
  }
  return false;
}

/**
 * Handles a text from a chat: refusal for non-founders; `/name args` (or `name args` when `name` is
 * a registered command) goes to the registry; anything else to the conversation agent. The text and
 * the actor's name are cleaned first (src/text/clean.ts), so no platform input can fail in SQL.
 */
export async function handleText(core: Core, raw: InboundText): Promise<void> {
  const input = { ...raw, actor: cleanActor(raw.actor), text: cleanText(raw.text) };
  if (!(await admit(core, input.actor, input.text, input))) return;
  const text = input.text.trim();
  const firstWord = text.split(/\s+/)[0]?.toLowerCase() ?? '';
  const parsed = parseCommandText(text.startsWith('/') ? text : core.commands.has(firstWord) ? `/${text}` : '');
  const context = { actor: input.actor, chat: input.chat, reply: input.reply };
  if (!parsed) {
    await core.conversation.answer(core, input, async (command) => {
      const intent = parseCommandText(`/${command}`);
      if (intent) await core.commands.dispatch(context, intent.name, intent.args);
    });
    return;
  }
  await core.commands.dispatch(context, parsed.name, parsed.args);
}


/**
 * Handles a tap on a button (Telegram callback query, Slack block action, console number).
 * @returns the short answer for the tapper (refusal for non-founders)
 */
export async function handleTap(core: Core, rawActor: Actor, rawData: string): Promise<string> {
  const actor = cleanActor(rawActor);
  const data = cleanText(rawData);
  if (!(await admit(core, actor, `button ${data}`, 'tap'))) return REFUSAL_TEXT;
  if (data.startsWith('cmd:')) return confirmProposal(core, data, (chat, command, reply) => handleText(core, { actor, chat, text: `/${command}`, reply }));
  return handleApprovalTap(core, data, actor);
}
