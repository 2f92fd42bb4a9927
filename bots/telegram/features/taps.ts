import { Composer } from 'grammy';
import type { AdapterDeps } from '../../../src/inbound.js';
import { handleTap } from '../../../src/inbound.js';
import { telegramActor } from '../actor.js';

/** Every button tap (callback query) goes to the one tap path (src/inbound.ts handleTap); its answer is shown with answerCallbackQuery. */
export function tapsFeature(core: AdapterDeps) {
  const composer = new Composer();
  composer.on('callback_query:data', async (ctx) => {
    // The chat of the message that carried the button; a private chat's id is the user's id.
    const chatId = String(ctx.callbackQuery.message?.chat.id ?? ctx.from.id);
    await ctx.answerCallbackQuery({ text: await handleTap(core, telegramActor(ctx.from), ctx.callbackQuery.data, { channel: 'telegram', chatId }) });
  });
  composer.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return composer;
}
