import { Composer } from 'grammy';
import type { AdapterDeps } from '../../../src/inbound.js';
import { handleTap } from '../../../src/inbound.js';
import { telegramActor } from '../actor.js';

/** Every button tap (callback query) goes to the one tap path (src/inbound.ts handleTap); its answer is shown with answerCallbackQuery. */
export function tapsFeature(core: AdapterDeps) {
  const composer = new Composer();
  composer.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery({ text: await handleTap(core, telegramActor(ctx.from), ctx.callbackQuery.data) });
  });
  composer.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return composer;
}
