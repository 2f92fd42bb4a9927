import { Composer } from 'grammy';
import type { CommandContext } from '../../../src/commands/registry.js';
import { parseCommandText } from '../../../src/commands/registry.js';
import type { Core } from '../../../src/core.js';
import { telegramActor } from '../actor.js';
import type { TelegramChannel } from '../channel.js';

/**
 * Text messages: `/name args` go to the shared command registry (the text is parsed directly, so
 * updates without a bot_command entity work too); anything else gets a pointer to /help.
 */
export function commandsFeature(core: Pick<Core, 'commands'>, channel: TelegramChannel) {
  const composer = new Composer();
  composer.on('message:text', async (ctx) => {
    const chatId = String(ctx.chat.id);
    const context: CommandContext = {
      actor: telegramActor(ctx.from),
      chat: { channel: 'telegram', chatId },
      reply: (message) => channel.send(chatId, message),
    };
    const parsed = parseCommandText(ctx.message.text);
    if (!parsed) {
      await context.reply({ text: 'I understand commands for now. Send /help to see them.' });
      return;
    }
    await core.commands.dispatch(context, parsed.name, parsed.args);
  });
  return composer;
}
