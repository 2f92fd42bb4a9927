import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import { encodeAction } from '../../src/channels/action.js';
import type { OutboundMessage } from '../../src/channels/port.js';

/** Block Kit: a section's mrkdwn text is at most 3,000 characters. */
const MAX_SECTION = 3000;

/** Escapes text for Slack mrkdwn (only &, < and > are control characters). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain-text fallback (notifications, screen readers): title, body, status. */
export function fallbackText(message: OutboundMessage): string {
  return [message.title, message.text, message.status].filter(Boolean).join('\n');
}

/**
 * Renders the neutral message as Block Kit: a section with `*title*` and the body (in a ``` block
 * when monospace), a context block
 * with the status line, and an actions block whose buttons carry the encoded action as action_id and
 * value, styled as the button says (primary / danger).
 */
export function renderBlocks(message: OutboundMessage): KnownBlock[] {
  const text = message.monospace ? `\`\`\`${escapeMrkdwn(message.text)}\`\`\`` : escapeMrkdwn(message.text);
  const body = `${message.title ? `*${escapeMrkdwn(message.title)}*\n` : ''}${text}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: body.length > MAX_SECTION ? `${body.slice(0, MAX_SECTION - 1)}…` : body } }];
  if (message.status) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `_${escapeMrkdwn(message.status)}_` }] });
  (message.buttons ?? []).forEach((row, i) => {
    blocks.push({
      type: 'actions',
      block_id: `buttons-${i}`,
      elements: row.map((b) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: b.label, emoji: true },
        action_id: encodeAction(b.action),
        value: encodeAction(b.action),
        ...(b.style ? { style: b.style } : {}),
      })),
    });
  });
  return blocks;
}
