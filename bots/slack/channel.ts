import type { webApi } from '@slack/bolt';
import type { Channel, MessageRef, OutboundMessage } from '../../src/channels/port.js';
import { fallbackText, renderBlocks } from './render.js';

/**
 * The Channel port on Slack (Web API): chat.postMessage / chat.update with Block Kit. A founder's
 * chat is their user id: chat.postMessage to a user id posts in the app's DM with them.
 */
export class SlackChannel implements Channel {
  readonly name = 'slack' as const;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly founders: readonly string[],
  ) {}

  founderChats(): string[] {
    return [...this.founders];
  }

  async send(chatId: string, message: OutboundMessage): Promise<MessageRef> {
    const res = await this.client.chat.postMessage({ channel: chatId, text: fallbackText(message), blocks: renderBlocks(message), unfurl_links: false });
    return { channel: 'slack', chatId: String(res.channel), messageId: String(res.ts) };
  }

  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    await this.client.chat.update({ channel: ref.chatId, ts: ref.messageId, text: fallbackText(message), blocks: renderBlocks(message) });
  }
}
