import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function startCommand(): CommandSpec<string[]> {
  return {
    name: 'start',
    description: 'Say hello and show what AUREA can do',
    args: noArgs,
    async run(ctx) {
      await ctx.reply({
        text:
          `Hello ${ctx.actor.name}, I'm AUREA. I watch your services, run your scheduled agents and deploy ` +
          'behind your approval. Alerts and approval requests will arrive in this chat.\n\nSend /help for the commands.',
      });
    },
  };
}
