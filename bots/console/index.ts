import { userInfo } from 'node:os';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Actor } from '../../src/actor.js';
import type { AdapterDeps } from '../../src/inbound.js';
import { handleTap, handleText } from '../../src/inbound.js';
import { ConsoleChannel } from './channel.js';

export interface ConsoleAdapter {
  channel: ConsoleChannel;
  /**
   * Starts reading lines; resolves when the founder leaves (exit, quit, end of input).
   * @param first lines handled first, shown as if typed (`aurea demo` opens with /status)
   */
  run(first?: readonly string[]): Promise<void>;
  close(): void;
}

const BANNER = 'AUREA: type /help for the commands, a number to press a button, exit to leave.';

/**
 * `aurea chat`: the console channel. Lines are commands (`/status` or just `status`) or free text;
 * a number presses the button shown with it; alerts and approval requests print as they arrive.
 * The person at the terminal is a founder (they own the process).
 */
export function createConsole(core: AdapterDeps, io: { input: Readable; output: Writable & { isTTY?: boolean } }): ConsoleAdapter {
  const color = Boolean(io.output.isTTY) && !process.env.NO_COLOR;
  let rl: Interface | undefined;
  const print = (text: string) => {
    // On a terminal the prompt (and what the founder is typing) is cleared, the text printed, and
    // the prompt redrawn below it with their typing intact.
    if (io.output.isTTY && rl) {
      cursorTo(io.output, 0);
      clearLine(io.output, 0);
    }
    io.output.write(`${text}\n`);
    if (io.output.isTTY) rl?.prompt(true);
  };
  const channel = new ConsoleChannel(print, color);
  const user = userInfo().username;
  const actor: Actor = { platform: 'console', id: user, name: user };

  const handle = async (line: string) => {
    const text = line.trim();
    if (!text) return;
    const pressed = /^\d+$/.test(text) ? channel.button(Number(text)) : undefined;
    if (/^\d+$/.test(text) && !pressed) return print(`There is no button ${text} to press.`);
    if (pressed) return print(await handleTap(core, actor, pressed, { channel: 'console', chatId: 'console' }));
    await handleText(core, { actor, chat: { channel: 'console', chatId: 'console' }, text, reply: (m) => channel.send('console', m) });
  };

  return {
    channel,
    run(first = []) {
      return new Promise<void>((resolve) => {
        const lines = createInterface({ input: io.input, output: io.output, terminal: Boolean(io.output.isTTY), prompt: 'aurea> ' });
        rl = lines;
        let queue = Promise.resolve();
        const enqueue = (line: string) => {
          queue = queue.then(() => handle(line)).catch((err: unknown) => core.log.error({ err }, 'console: line failed'));
        };
        lines.on('line', (line) => {
          if (/^(exit|quit)$/i.test(line.trim())) return lines.close();
          enqueue(line);
        });
        lines.on('close', () => void queue.then(() => resolve()));
        print(BANNER);
        for (const line of first) {
          // Shown as if typed: after the prompt already drawn on a terminal.
          io.output.write(io.output.isTTY ? `${line}\n` : `aurea> ${line}\n`);
          enqueue(line);
        }
        if (!io.output.isTTY) io.output.write('> ready\n');
      });
    },
    close: () => rl?.close(),
  };
}
