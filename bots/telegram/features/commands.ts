import { Composer } from 'grammy';
import type { AdapterDeps } from '../../../src/inbound.js';
import { handleText } from '../../../src/inbound.js';
import { telegramActor } from '../actor.js';
import type { TelegramChannel } from '../channel.js';

/** Text messages go to the shared inbound path (the text is parsed there, so updates without a bot_command entity work too). */
export function commandsFeature(core: AdapterDeps, channel: TelegramChannel) {
  const composer = new Composer();
  composer.on('message:text', async (ctx) => {
    const chatId = String(ctx.chat.id);
    await handleText(core, {
      actor: telegramActor(ctx.from),
      chat: { channel: 'telegram', chatId },
      text: ctx.message.text,
      reply: (message) => channel.send(chatId, message),
    });
  });
  return composer;
}
