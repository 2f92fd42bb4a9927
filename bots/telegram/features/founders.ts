import { Composer } from 'grammy';
import { REFUSAL_TEXT, auditRefusal, isFounder } from '../../../src/access.js';
import type { Core } from '../../../src/core.js';
import { telegramActor } from '../actor.js';

/**
 * Serves founders only. Anyone else gets one short refusal that reveals nothing (as a reply, or as
 * the callback query's answer for a button) and an audit_log row; updates without a sender are ignored.
 */
export function foundersFeature(core: Pick<Core, 'config' | 'db' | 'metrics' | 'log'>) {
  const composer = new Composer();
  composer.use(async (ctx, next) => {
    if (!ctx.from) return;
    const actor = telegramActor(ctx.from);
    if (isFounder(core.config, actor)) {
      core.metrics.updatesHandled.inc({ platform: 'telegram', outcome: 'handled' });
      return next();
    }
    core.metrics.updatesHandled.inc({ platform: 'telegram', outcome: 'refused' });
    const attempted = ctx.callbackQuery ? `button ${ctx.callbackQuery.data ?? ''}` : (ctx.message?.text ?? 'message');
    await auditRefusal(core.db.pool, actor, attempted);
    core.log.info({ telegramUserId: actor.id, name: actor.name }, 'refused a non-founder (if this is you, add the id to FOUNDER_TELEGRAM_IDS)');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: REFUSAL_TEXT });
    else if (ctx.message && ctx.chat?.type === 'private') await ctx.reply(REFUSAL_TEXT);
  });
  return composer;
}
