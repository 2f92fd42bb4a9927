/**
 * What a button does, as a typed value: the kind of thing it acts on, that thing's id, and the verb.
 * It travels through every platform as `<kind>:<id>:<verb>` (Telegram callback_data, Slack
 * block action value, the console's numbered buttons) and comes back to one tap handler
 * (src/inbound.ts `handleTap`), which hands it to the TapHandler registered for its kind.
 */
import type { Actor } from '../actor.js';

export interface TapAction {
  /** What the button acts on: `apv` = an approval (a deploy, a proposed command, …). */
  kind: string;
  /** The row it acts on (decimal id). */
  id: string;
  /** What to do with it (`approve`, `reject`). */
  verb: string;
}

/** A tap as the core receives it: what the button does, who pressed it, and the chat it was pressed in. */
export interface Tap {
  action: TapAction;
  actor: Actor;
  /** Where the button was pressed (a Telegram callback query's message chat, a Slack block action's channel). */
  chat: { channel: string; chatId: string };
}

/**
 * What the buttons of one kind do (`apv` approvals, `alert` alert actions, `task` task views).
 * Runs for the tapper, may send messages to the tap's chat.
 * @returns the short answer shown to the tapper (Telegram answerCallbackQuery text, Slack ephemeral)
 */
export type TapHandler = (tap: Tap) => Promise<string>;

/** Telegram Bot API, InlineKeyboardButton.callback_data: 1-64 bytes. */
export const MAX_ACTION_BYTES = 64;

const PART = /^[a-z][a-z0-9_-]{0,15}$/;
const ID = /^\d{1,20}$/;

/**
 * @returns `kind:id:verb` (at most 44 bytes with the limits above)
 * @throws Error when a part is not a short lowercase word / decimal id (a programming error)
 */
export function encodeAction(action: TapAction): string {
  if (!PART.test(action.kind) || !ID.test(action.id) || !PART.test(action.verb)) throw new Error(`invalid button action ${JSON.stringify(action)}`);
  return `${action.kind}:${action.id}:${action.verb}`;
}

/** @returns the action a tap's data encodes, or null for anything else (old or forged data) */
export function parseAction(data: string): TapAction | null {
  if (Buffer.byteLength(data) > MAX_ACTION_BYTES) return null;
  const [kind, id, verb, ...rest] = data.split(':');
  if (rest.length || !kind || !id || !verb || !PART.test(kind) || !ID.test(id) || !PART.test(verb)) return null;
  return { kind, id, verb };
}
