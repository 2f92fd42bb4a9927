import { z } from 'zod';
import type { CommandSpec } from './registry.js';

/** Telegram deep links (`t.me/<bot>?start=<payload>`) send `/start <payload>`; a founder's payload is ignored. */
const payload = z.array(z.string()).max(1, { error: 'this command takes no arguments' });

export function startCommand(): CommandSpec<string[]> {
  return {
    name: 'start',
    readOnly: true,
    description: 'Say hello and show what AUREA can do',
    args: payload,
    async run(ctx) {
      await ctx.reply({
        text:
          `Hello ${ctx.actor.name}, I'm AUREA. I watch your services, run your scheduled agents and deploy ` +
          'behind your approval. Alerts and approval requests will arrive in this chat.\n\nSend /help for the commands.',
      });
    },
  };
}
