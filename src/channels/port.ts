/**
 * The Channel port: how the core talks to a founder on any chat platform.
 * Adapters in bots/ implement it; the core never imports a chat SDK.
 */
import type { TapAction } from './action.js';

/** A declared channel's name (`telegram`, `slack`, `console`; src/channels/declaration.ts). */
export type ChannelName = string;

/** An inline button. Its action travels back in the tap, encoded by `encodeAction` (src/channels/action.ts). */
export interface Button {
  label: string;
  action: TapAction;
  /** How platforms that style buttons show it (Slack Block Kit's `primary` / `danger`). */
  style?: 'primary' | 'danger';
}

/**
 * A platform-neutral message. All parts are plain text (adapters escape them for their markup):
 * an optional bold title, the body, an optional status line (the part an edit usually changes,
 * shown de-emphasised under the body), and optional rows of buttons.
 */
export interface OutboundMessage {
  title?: string;
  text: string;
  status?: string;
  buttons?: Button[][];
  /** The body is preformatted (a diff, a log): shown in a fixed-width block. */
  monospace?: boolean;
}

/** A text file sent as an attachment (a long diff, a log): Telegram sendDocument, Slack's file upload. */
export interface OutboundDocument {
  /** Shown as the file's name (`task-12.diff`). */
  filename: string;
  /** UTF-8 text; platforms cap a file at far more than AUREA sends (Telegram bots: 50 MB). */
  content: string;
  /** A short plain-text line shown with it. */
  caption?: string;
}

/** An image (a chart) with the text that says the same thing, for chats that show no images. */
export interface OutboundPhoto {
  /** PNG bytes. */
  png: Buffer;
  /** `chart.png` */
  filename: string;
  /** The plain-text summary sent with it (Telegram photo caption: at most 1,024 characters). */
  caption: string;
}

/** Where a sent message lives, so it can be edited later. Stored in approvals.messages. */
export interface MessageRef {
  channel: ChannelName;
  chatId: string;
  messageId: string;
}

/** How a message is sent. */
export interface SendOptions {
  /** The messageId (in the same chat) whose thread the message goes to. */
  replyTo?: string;
}

export interface Channel {
  readonly name: ChannelName;
  /** Chats that receive broadcasts (alerts, approval requests): the founders' private chats. */
  founderChats(): string[];
  /**
   * Sends a message; resolves once the platform accepted it. Throws the platform's error otherwise.
   * @param options.replyTo the messageId of a message in the same chat to answer in its thread
   *   (Telegram: a reply to it; Slack: `thread_ts`; a terminal: marked as a reply)
   */
  send(chatId: string, message: OutboundMessage, options?: SendOptions): Promise<MessageRef>;
  /** Sends a text file to one chat; resolves once the platform accepted it. Throws the platform's error otherwise. */
  sendDocument(chatId: string, document: OutboundDocument): Promise<MessageRef>;
  /** Sends an image with its caption (Telegram sendPhoto, a Slack file upload, the caption alone in a terminal). */
  sendPhoto(chatId: string, photo: OutboundPhoto): Promise<MessageRef>;
  /** Replaces a sent message's text; omitting buttons removes them. */
  edit(ref: MessageRef, message: OutboundMessage): Promise<void>;
  /** Shows "typing…" in a chat while AUREA works, where the platform has it. */
  typing?(chatId: string): Promise<void>;
}
