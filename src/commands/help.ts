import type { CommandRegistry, CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function helpCommand(registry: CommandRegistry): CommandSpec<string[]> {
  return {
    name: 'help',
    readOnly: true,
    description: 'List the commands',
    args: noArgs,
    async run(ctx) {
      await ctx.reply({ text: `Commands\n\n${registry.helpText(ctx.chat.channel)}` });
    },
  };
}
