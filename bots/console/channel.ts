import { encodeAction } from '../../src/channels/action.js';
import type { Channel, MessageRef, OutboundDocument, OutboundMessage, OutboundPhoto, SendOptions } from '../../src/channels/port.js';
import { renderConsole } from './render.js';

/**
 * The Channel port in a terminal. Messages are printed; an edit prints the message again, marked as
 * updated. Buttons get numbers, valid until the message is edited without them.
 */
export class ConsoleChannel implements Channel {
  readonly name = 'console' as const;
  private nextMessage = 1;
  private nextButton = 1;
  private readonly buttons = new Map<number, string>();

  constructor(
    private readonly print: (text: string) => void,
    private readonly color: boolean,
  ) {}

  founderChats(): string[] {
    return ['console'];
  }

  /** The button data behind a number the founder typed, if it is live. */
  button(n: number): string | undefined {
    return this.buttons.get(n);
  }

  async send(_chatId: string, message: OutboundMessage, options: SendOptions = {}): Promise<MessageRef> {
    this.print(`${options.replyTo ? `↳ (reply to message #${options.replyTo})\n` : ''}${renderConsole(message, this.number(message), this.color)}`);
    return { channel: 'console', chatId: 'console', messageId: String(this.nextMessage++) };
  }

  /** Prints the file between two rulers, under its caption. */
  async sendDocument(_chatId: string, document: OutboundDocument): Promise<MessageRef> {
    const ruler = `──── ${document.filename} ────`;
    this.print([document.caption, ruler, document.content.trimEnd(), '─'.repeat(ruler.length)].filter((l) => l !== undefined).join('\n'));
    return { channel: 'console', chatId: 'console', messageId: String(this.nextMessage++) };
  }

  /** A terminal shows no image: the caption (the chart's text summary) and what was not shown. */
  async sendPhoto(_chatId: string, photo: OutboundPhoto): Promise<MessageRef> {
    this.print(`${photo.caption}\n(chart ${photo.filename}: ${Math.ceil(photo.png.length / 1024)} KB PNG, shown on Telegram and Slack)`);
    return { channel: 'console', chatId: 'console', messageId: String(this.nextMessage++) };
  }

  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    const live = new Set((message.buttons ?? []).flat().map((b) => encodeAction(b.action)));
    for (const [n, data] of this.buttons) if (!live.has(data)) this.buttons.delete(n);
    this.print(`(message #${ref.messageId} updated)\n${renderConsole(message, this.number(message), this.color)}`);
  }

  private number(message: OutboundMessage): Map<string, number> {
    const numbers = new Map<string, number>();
    for (const data of (message.buttons ?? []).flat().map((b) => encodeAction(b.action))) {
      const existing = [...this.buttons].find(([, d]) => d === data)?.[0];
      const n = existing ?? this.nextButton++;
      this.buttons.set(n, data);
      numbers.set(data, n);
    }
    return numbers;
  }
}
