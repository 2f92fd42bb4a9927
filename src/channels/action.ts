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
  /** What it acts on: an approval's UUID, an alert's or a task's number, a graph job's id (letters, digits, `.`, `_`, `-`). */
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
const ID = /^[A-Za-z0-9._-]{1,60}$/;

/**
 * @returns `kind:id:verb`, at most {@link MAX_ACTION_BYTES} bytes
 * @throws Error when a part is not a short lowercase word / an id, or the whole is too long (a programming error)
 */
export function encodeAction(action: TapAction): string {
  const data = `${action.kind}:${action.id}:${action.verb}`;
  if (!PART.test(action.kind) || !ID.test(action.id) || !PART.test(action.verb) || Buffer.byteLength(data) > MAX_ACTION_BYTES) throw new Error(`invalid button action ${JSON.stringify(action)}`);
  return data;
}

/** @returns the action a tap's data encodes, or null for anything else (old or forged data) */
export function parseAction(data: string): TapAction | null {
  if (Buffer.byteLength(data) > MAX_ACTION_BYTES) return null;
  const [kind, id, verb, ...rest] = data.split(':');
  if (rest.length || !kind || !id || !verb || !PART.test(kind) || !ID.test(id) || !PART.test(verb)) return null;
  return { kind, id, verb };
}
