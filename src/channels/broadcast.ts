import type { Logger } from '../log.js';
import type { Channel, MessageRef, OutboundDocument, OutboundMessage, OutboundPhoto } from './port.js';

export interface BroadcastResult {
  refs: MessageRef[];
  /** How many founder chats did not accept the message. */
  failed: number;
}

/**
 * Fans a message out to every founder chat of every configured channel, and edits such fan-outs.
 * Channels are added by the composition root as they start.
 */
export class Broadcaster {
  private readonly channels: Channel[] = [];

  constructor(private readonly log: Logger) {}

  add(channel: Channel): void {
    this.channels.push(channel);
  }

  /** Number of founder chats that a broadcast reaches now. */
  audience(): number {
    return this.channels.reduce((n, c) => n + c.founderChats().length, 0);
  }

  /** Sends `message` to all founder chats in parallel; a failure in one chat does not stop the others. */
  broadcast(message: OutboundMessage): Promise<BroadcastResult> {
    return this.fanOut('message', (channel, chatId) => channel.send(chatId, message));
  }

  /** Sends an image to every founder chat; a failure in one chat does not stop the others. */
  broadcastPhoto(photo: OutboundPhoto): Promise<BroadcastResult> {
    return this.fanOut('photo', (channel, chatId) => channel.sendPhoto(chatId, photo));
  }

  /** @param only these chats instead of every founder chat */
  private async fanOut(what: string, send: (channel: Channel, chatId: string) => Promise<MessageRef>, only?: ReadonlyArray<{ channel: string; chatId: string }>): Promise<BroadcastResult> {
    const sends = only
      ? only.flatMap((o) => this.channels.filter((c) => c.name === o.channel).map((channel) => ({ channel, chatId: o.chatId })))
      : this.channels.flatMap((channel) => channel.founderChats().map((chatId) => ({ channel, chatId })));
    const results = await Promise.allSettled(sends.map(({ channel, chatId }) => send(channel, chatId)));
    const refs: MessageRef[] = [];
    let failed = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') refs.push(r.value);
      else {
        failed++;
        this.log.warn({ err: r.reason, channel: sends[i]!.channel.name, chatId: sends[i]!.chatId }, `broadcast: ${what} failed`);
      }
    });
    return { refs, failed };
  }

  /**
   * Answers each message of a fan-out in its thread (an incident's news under its first message):
   * one reply per ref, in the ref's chat. A failure in one chat does not stop the others.
   */
  replyAll(roots: readonly MessageRef[], message: OutboundMessage): Promise<BroadcastResult> {
    const byChat = new Map(roots.map((r) => [`${r.channel}\u0000${r.chatId}`, r]));
    return this.fanOut('reply', (channel, chatId) => {
      const root = byChat.get(`${channel.name}\u0000${chatId}`);
      return root ? channel.send(root.chatId, message, { replyTo: root.messageId }) : Promise.reject(new Error('no thread in this chat'));
    }, [...byChat.values()].map((r) => ({ channel: r.channel, chatId: r.chatId })));
  }

  /** Sends to one chat of one channel (a reply that outlives the update it answers). */
  async sendTo(channel: string, chatId: string, message: OutboundMessage): Promise<MessageRef> {
    return this.running(channel).send(chatId, message);
  }

  /** Sends a text file to one chat of one channel (a long diff). Throws the platform's error. */
  async sendDocumentTo(channel: string, chatId: string, document: OutboundDocument): Promise<MessageRef> {
    return this.running(channel).sendDocument(chatId, document);
  }

  private running(channel: string): Channel {
    const target = this.channels.find((c) => c.name === channel);
    if (!target) throw new Error(`no ${channel} channel is running`);
    return target;
  }

  /** Shows a typing indicator in one chat, where the channel has one; never throws. */
  async typing(channel: string, chatId: string): Promise<void> {
    await this.channels.find((c) => c.name === channel)?.typing?.(chatId).catch(() => undefined);
  }

  /** Edits previously broadcast messages; failures are logged, not thrown. */
  async editAll(refs: readonly MessageRef[], message: OutboundMessage): Promise<void> {
    await Promise.all(
      refs.map(async (ref) => {
        const channel = this.channels.find((c) => c.name === ref.channel);
        if (!channel) return;
        await channel.edit(ref, message).catch((err: unknown) => this.log.warn({ err, ref }, 'broadcast: edit failed'));
      }),
    );
  }
}
