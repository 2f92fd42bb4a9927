import { GrammyError, InputFile, type Api } from 'grammy';
import type { Channel, MessageRef, OutboundDocument, OutboundMessage, OutboundPhoto, SendOptions } from '../../src/channels/port.js';
import { renderTelegram } from './render.js';

/**
 * The Channel port on Telegram: HTML text (title bold, status italic) with an inline keyboard.
 * Founders' private chats have chat_id = user id.
 */
export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;

  constructor(
    private readonly api: Api,
    /** The founders' user ids (= their private chats), read at each broadcast: founders may pair meanwhile. */
    private readonly founders: () => readonly string[],
  ) {}

  founderChats(): string[] {
    return [...this.founders()];
  }

  async send(chatId: string, message: OutboundMessage, options: SendOptions = {}): Promise<MessageRef> {
    const { text, reply_markup } = renderTelegram(message);
    const sent = await this.api.sendMessage(chatId, text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      // A reply (Bot API ReplyParameters); sent anyway, unthreaded, when the first message was deleted.
      ...(options.replyTo ? { reply_parameters: { message_id: Number(options.replyTo), allow_sending_without_reply: true } } : {}),
      ...(reply_markup.inline_keyboard.length ? { reply_markup } : {}),
    });
    return { channel: 'telegram', chatId: String(sent.chat.id), messageId: String(sent.message_id) };
  }

  /** sendDocument as multipart/form-data; the caption is plain text (Bot API: at most 1024 characters). */
  async sendDocument(chatId: string, document: OutboundDocument): Promise<MessageRef> {
    const sent = await this.api.sendDocument(chatId, new InputFile(Buffer.from(document.content, 'utf8'), document.filename), {
      ...(document.caption ? { caption: document.caption.slice(0, 1024) } : {}),
    });
    return { channel: 'telegram', chatId: String(sent.chat.id), messageId: String(sent.message_id) };
  }

  /** sendPhoto as multipart/form-data; the caption is plain text (Bot API: at most 1024 characters). */
  async sendPhoto(chatId: string, photo: OutboundPhoto): Promise<MessageRef> {
    const sent = await this.api.sendPhoto(chatId, new InputFile(photo.png, photo.filename), { caption: photo.caption.slice(0, 1024) });
    return { channel: 'telegram', chatId: String(sent.chat.id), messageId: String(sent.message_id) };
  }

  /** sendChatAction "typing" (shown for about 5 seconds, or until the next message). */
  async typing(chatId: string): Promise<void> {
    await this.api.sendChatAction(chatId, 'typing');
  }

  /** Edits text and keyboard; no buttons removes them. "message is not modified" is not an error. */
  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    const { text, reply_markup } = renderTelegram(message);
    try {
      await this.api.editMessageText(ref.chatId, Number(ref.messageId), text, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup,
      });
    } catch (err) {
      if (err instanceof GrammyError && /message is not modified/.test(err.description)) return;
      throw err;
    }
  }
}
