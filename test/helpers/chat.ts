/**
 * What a founder sees and does in the fake Telegram: wait for a message, tap one of its buttons,
 * read the tap's answer; and closing what a test opened once it ends.
 */
import { afterEach } from 'vitest';
import { FOUNDER, callbackUpdate, type Person } from '../fixtures/telegram-updates.js';
import type { Harness } from './harness.js';

/** A message as the founder sees it: its text and buttons. */
export type Shown = { message_id: number; text: string; buttons: Array<{ text: string; callback_data: string }> };

/**
 * Waits for the `nth` message (from 1) matching `pattern` in `to`'s chat (default the founder's).
 * @throws after `timeoutMs` with the calls the fake saw
 */
export async function shown(h: Harness, pattern: RegExp, options: { nth?: number; timeoutMs?: number; to?: Person } = {}): Promise<Shown> {
  const { nth = 1, timeoutMs = 30_000, to = FOUNDER } = options;
  const all = () => h.telegram.messagesTo(to.id).filter((m) => pattern.test(m.text));
  await h.telegram.waitFor(() => all().length >= nth, timeoutMs, `message ${pattern}`);
  return all()[nth - 1]!;
}

/** Taps the button labelled `label` as `who` (default the founder). */
export function tap(h: Harness, message: Shown, label: RegExp, who: Person = FOUNDER): void {
  h.telegram.pushUpdate(callbackUpdate(who, message.buttons.find((b) => label.test(b.text))!.callback_data, message));
}

/** Taps as `who` and waits for the answer they see (answerCallbackQuery). */
export async function tapAnswer(h: Harness, message: Shown, label: RegExp, who: Person = FOUNDER): Promise<string> {
  const before = h.telegram.callsOf('answerCallbackQuery').length;
  tap(h, message, label, who);
  await h.telegram.waitFor(() => h.telegram.callsOf('answerCallbackQuery').length > before, 10_000, 'the tap answered');
  return h.telegram.callsOf('answerCallbackQuery')[before]!.payload.text;
}

/**
 * Closes, after each test of the file, what the test registered (harnesses, fake APIs), last first.
 * @returns `track(x)`: registers `x` and returns it
 */
export function closedAfterEach(): <T extends { close(): Promise<unknown> }>(thing: T) => T {
  const open: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}
