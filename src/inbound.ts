/**
 * What every channel does with what a person sends: the one place that decides who is served, then
 * hands text and voice transcripts to the router (src/router.ts) and taps to the tap path.
 * Adapters (Telegram, Slack, console) only translate platform events into these calls.
 */
import { REFUSAL_TEXT } from './access.js';
import { actorKey, cleanActor, type Actor } from './actor.js';
import { parseAction } from './channels/action.js';
import type { ChannelName, MessageRef, OutboundMessage } from './channels/port.js';
import type { Core } from './core.js';
import { claimWithCode, type ClaimDeps } from './founders/claim.js';
import { pairingCodeIn } from './founders/pairing.js';
import { route, type RouterDeps } from './router.js';
import { cleanText } from './text/clean.js';
import type { IncomingVoice } from './voice/service.js';

/** What the inbound handlers use. */
export type InboundDeps = RouterDeps & ClaimDeps & Pick<Core, 'log' | 'metrics' | 'refusals' | 'voice' | 'channels' | 'tapActions'>;

/** What a chat adapter (bots/*) is given: the inbound handlers' deps, and the database for its update de-duplication. */
export type AdapterDeps = InboundDeps & Pick<Core, 'db'>;

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
 * Lets founders (configured or paired, src/founders/directory.ts) through and refuses everyone else: counted, audited (aggregated per stranger) and
 * logged. In a chat the refusal text is sent here, at most once per chat per hour
 * (src/refusals.ts); a tap's caller answers the tap with REFUSAL_TEXT itself.
 * @returns true when `actor` is served
 */
export async function admit(core: Pick<Core, 'founders' | 'log' | 'metrics' | 'refusals'>, actor: Actor, attempted: string, from: RefusalTarget): Promise<boolean> {
  if (core.founders.isFounder(actor)) {
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
 * Handles a text from a chat (a message, a Slack slash command or mention, a console line): cleans
 * it (src/text/clean.ts, so no platform input can fail in SQL), lets a newcomer claim the bot with
 * a pairing code (src/founders/claim.ts), refuses non-founders, then routes it as the founder's own
 * typing (src/router.ts).
 */
export async function handleText(core: InboundDeps, raw: InboundText): Promise<void> {
  const input = { ...raw, actor: cleanActor(raw.actor), text: cleanText(raw.text) };
  const code = core.founders.isFounder(input.actor) ? null : pairingCodeIn(input.text);
  if (code) {
    // A wrong code is refused like any stranger's message (rate-limited, audited); the code is not stored.
    if (!(await claimWithCode(core, input, code))) await admit(core, input.actor, 'start ******', input);
    return;
  }
  if (!(await admit(core, input.actor, input.text, input))) return;
  await route(core, { ...input, origin: 'typed' });
}

/**
 * Handles a voice note (Telegram voice/audio/video note, Slack audio file): refuses non-founders,
 * has it turned into text (src/voice/service.ts), then routes the transcript as a voice command.
 */
export async function handleVoice(core: InboundDeps, incoming: IncomingVoice): Promise<void> {
  const voice = { ...incoming, actor: cleanActor(incoming.actor) };
  if (!(await admit(core, voice.actor, 'voice note', voice))) return;
  const text = await core.voice.transcribe(voice);
  if (text) await route(core, { actor: voice.actor, chat: voice.chat, text, origin: 'voice', reply: voice.reply });
}

/**
 * Handles a tap on any button (Telegram callback query, Slack block action, console number): the
 * one tap path. Refuses non-founders, reads the typed action the button carries
 * (src/channels/action.ts) and hands it to the handler registered for its kind (core.tapActions).
 * @param rawData the button's encoded action (`apv:12:approve`)
 * @param chat where the button was pressed (what a handler may answer into)
 * @returns the short answer for the tapper (refusal for non-founders)
 */
export async function handleTap(core: InboundDeps, rawActor: Actor, rawData: string, chat: { channel: ChannelName; chatId: string }): Promise<string> {
  const actor = cleanActor(rawActor);
  const data = cleanText(rawData);
  if (!(await admit(core, actor, `button ${data}`, 'tap'))) return REFUSAL_TEXT;
  const action = parseAction(data);
  const handler = action && core.tapActions.get(action.kind);
  return handler ? handler({ action, actor, chat }) : 'This button is no longer valid.';
}
