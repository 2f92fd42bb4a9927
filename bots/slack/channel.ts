import type { webApi } from '@slack/bolt';
import type { Channel, MessageRef, OutboundDocument, OutboundMessage, OutboundPhoto, SendOptions } from '../../src/channels/port.js';
import { fallbackText, renderBlocks } from './render.js';

/**
 * The Channel port on Slack (Web API): chat.postMessage / chat.update with Block Kit. A founder's
 * chat is their user id: chat.postMessage to a user id posts in the app's DM with them.
 */
export class SlackChannel implements Channel {
  readonly name = 'slack' as const;

  constructor(
    private readonly client: webApi.WebClient,
    /** The founders' user ids, read at each broadcast: founders may pair meanwhile. */
    private readonly founders: () => readonly string[],
  ) {}

  founderChats(): string[] {
    return [...this.founders()];
  }

  async send(chatId: string, message: OutboundMessage, options: SendOptions = {}): Promise<MessageRef> {
    const res = await this.client.chat.postMessage({ channel: chatId, text: fallbackText(message), blocks: renderBlocks(message), unfurl_links: false, ...(options.replyTo ? { thread_ts: options.replyTo } : {}) });
    return { channel: 'slack', chatId: String(res.channel), messageId: String(res.ts) };
  }

  /**
   * Uploads a text file to the chat with the WebClient's filesUploadV2 (files.getUploadURLExternal,
   * the upload, files.completeUploadExternal). A user id is first opened as the app's DM with
   * conversations.open, since completeUploadExternal wants a channel id.
   */
  async sendDocument(chatId: string, document: OutboundDocument): Promise<MessageRef> {
    return this.upload(chatId, { content: document.content }, document.filename, document.caption);
  }

  /** An image is a file upload too; Slack shows PNGs inline. */
  async sendPhoto(chatId: string, photo: OutboundPhoto): Promise<MessageRef> {
    return this.upload(chatId, { file: photo.png }, photo.filename, photo.caption);
  }

  private async upload(chatId: string, body: { content: string } | { file: Buffer }, filename: string, comment?: string): Promise<MessageRef> {
    const channel = /^[UW]/.test(chatId) ? String((await this.client.conversations.open({ users: chatId })).channel?.id) : chatId;
    const res = await this.client.filesUploadV2({ channel_id: channel, ...body, filename, title: filename, ...(comment ? { initial_comment: comment } : {}) });
    const file = (res.files as Array<{ files?: Array<{ id?: string }> }>)[0]?.files?.[0];
    return { channel: 'slack', chatId: channel, messageId: String(file?.id) };
  }

  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    await this.client.chat.update({ channel: ref.chatId, ts: ref.messageId, text: fallbackText(message), blocks: renderBlocks(message) });
  }
}
