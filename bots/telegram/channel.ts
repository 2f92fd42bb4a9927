import { GrammyError, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Channel, MessageRef, OutboundMessage } from '../../src/channels/port.js';

/** Bot API sendMessage: text is 1-4096 characters after entity parsing. */
const MAX_TEXT = 4096;

function fit(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function keyboard(message: OutboundMessage): InlineKeyboardMarkup {
  return {
    inline_keyboard: (message.buttons ?? []).map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))),
  };
}

/**
 * The Channel port on Telegram: plain text (no parse_mode, so nothing needs escaping) with an
 * inline keyboard. Founders' private chats have chat_id = user id.
 */
export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;

  constructor(
    private readonly api: Api,
    private readonly founders: readonly number[],
  ) {}

  founderChats(): string[] {
    return this.founders.map(String);
  }

  async send(chatId: string, message: OutboundMessage): Promise<MessageRef> {
    const sent = await this.api.sendMessage(chatId, fit(message.text), {
      link_preview_options: { is_disabled: true },
      ...(message.buttons?.length ? { reply_markup: keyboard(message) } : {}),
    });
    return { channel: 'telegram', chatId: String(sent.chat.id), messageId: String(sent.message_id) };
  }

  /** Edits text and keyboard; an empty keyboard removes the buttons. "message is not modified" is not an error. */
  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    try {
      await this.api.editMessageText(ref.chatId, Number(ref.messageId), fit(message.text), {
        link_preview_options: { is_disabled: true },
        reply_markup: keyboard(message),
      });
    } catch (err) {
      if (err instanceof GrammyError && /message is not modified/.test(err.description)) return;
      throw err;
    }
  }
}
