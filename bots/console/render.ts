import { encodeAction } from '../../src/channels/action.js';
import type { OutboundMessage } from '../../src/channels/port.js';

const bold = (s: string, color: boolean) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string, color: boolean) => (color ? `\x1b[2m${s}\x1b[0m` : s);

/**
 * Renders the neutral message for a terminal: bold title, body, dim status line, and buttons as
 * `[n] label` where n is the number the founder types to press it.
 * @param numbers encoded button action → the number assigned to it
 */
export function renderConsole(message: OutboundMessage, numbers: ReadonlyMap<string, number>, color: boolean): string {
  const lines: string[] = [];
  if (message.title) lines.push(bold(message.title, color));
  lines.push(message.text);
  if (message.status) lines.push(dim(message.status, color));
  for (const row of message.buttons ?? []) lines.push(row.map((b) => `[${numbers.get(encodeAction(b.action))}] ${b.label}`).join('   '));
  return lines.join('\n');
}
