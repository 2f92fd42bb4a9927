import { Composer, type Bot } from 'grammy';
import type { Core } from '../../../src/core.js';
import { RedeliveringOnce } from '../../../src/updates/once.js';

/**
 * Handles each update_id once (Telegram redelivery, webhook retry, two processes): a duplicate is
 * dropped; an update whose handling fails is given back and handed to the bot again
 * (src/updates/once.ts), since long polling has already moved past it.
 */
export function onceFeature(core: Pick<Core, 'db' | 'metrics' | 'log'>, bot: Pick<Bot, 'handleUpdate'>) {
  const once = new RedeliveringOnce({ db: core.db.pool, log: core.log });
  const composer = new Composer();
  composer.use(async (ctx, next) => {
    const outcome = await once.run('telegram', ctx.update.update_id, () => next(), () => bot.handleUpdate(ctx.update));
    if (outcome === 'duplicate') core.metrics.updatesHandled.inc({ platform: 'telegram', outcome: 'duplicate' });
  });
  return composer;
}
