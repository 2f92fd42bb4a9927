import type { InlineKeyboardMarkup } from 'grammy/types';
import { encodeAction } from '../../src/channels/action.js';
import type { OutboundMessage } from '../../src/channels/port.js';

/** Bot API sendMessage: 1-4096 characters of text after entity parsing. */
const MAX_TEXT = 4096;

/** Escapes text for parse_mode HTML (Bot API "HTML style": only <, > and & need it). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Renders the neutral message as Telegram HTML: `<b>title</b>`, the body (in `<pre>` when
 * monospace), then `<i>status</i>`,
 * and the buttons as an inline keyboard (an empty keyboard removes buttons on edit).
 */
export function renderTelegram(message: OutboundMessage): { text: string; reply_markup: InlineKeyboardMarkup } {
  const head = message.title ? `<b>${escapeHtml(message.title)}</b>\n` : '';
  const tail = message.status ? `\n\n<i>${escapeHtml(message.status)}</i>` : '';
  const [open, close] = message.monospace ? ['<pre>', '</pre>'] : ['', ''];
  const room = MAX_TEXT - head.length - tail.length;
  const body = message.text.length > room ? `${message.text.slice(0, room - 1)}…` : message.text;
  return {
    text: `${head}${open}${escapeHtml(body)}${close}${tail}`,
    reply_markup: { inline_keyboard: (message.buttons ?? []).map((row) => row.map((b) => ({ text: b.label, callback_data: encodeAction(b.action) }))) },
  };
}
