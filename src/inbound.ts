/**
 * What every channel does with what a person sends: the one place that decides who is served and
 * routes text to the command registry and taps to the approval path. Adapters (Telegram, Slack,
 * console) only translate platform events into these calls.
 */
import { REFUSAL_TEXT, auditRefusal, isFounder } from './access.js';
import type { Actor } from './actor.js';
import { handleApprovalTap } from './approvals/tap.js';
import type { ChannelName, MessageRef, OutboundMessage } from './channels/port.js';
import { parseCommandText } from './commands/registry.js';
import type { Core } from './core.js';
import { confirmProposal } from './commands/proposals.js';

export interface InboundText {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  /** What they wrote: `/deploy billing`, `deploy billing` (console, Slack slash command), or free text. */
  text: string;
  reply(message: OutboundMessage): Promise<MessageRef | void>;
}

/** Refuses a non-founder (audited, logged); @returns true when `actor` may be served. */
export async function admit(core: Pick<Core, 'config' | 'db' | 'log' | 'metrics'>, actor: Actor, attempted: string): Promise<boolean> {
  if (isFounder(core.config, actor)) {
    core.metrics.updatesHandled.inc({ platform: actor.platform, outcome: 'handled' });
    return true;
  }
  core.metrics.updatesHandled.inc({ platform: actor.platform, outcome: 'refused' });
  await auditRefusal(core.db.pool, actor, attempted);
  core.log.info({ platform: actor.platform, userId: actor.id, name: actor.name }, 'refused a non-founder (if this is you, add the id to the founders)');
  return false;
}

/**
 * Handles a text from a chat: refusal for non-founders; `/name args` (or `name args` when `name` is
 * a registered command) goes to the registry; anything else to the conversation agent.
 */
export async function handleText(core: Core, input: InboundText): Promise<void> {
  if (!(await admit(core, input.actor, input.text.slice(0, 200)))) {
    await input.reply({ text: REFUSAL_TEXT });
    return;
  }
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
export async function handleTap(core: Core, actor: Actor, data: string): Promise<string> {
  if (!(await admit(core, actor, `button ${data}`))) return REFUSAL_TEXT;
  if (data.startsWith('cmd:')) return confirmProposal(core, data, (chat, command, reply) => handleText(core, { actor, chat, text: `/${command}`, reply }));
  return handleApprovalTap(core, data, actor);
}
