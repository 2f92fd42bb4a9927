import { Composer } from 'grammy';
import type { Core } from '../../../src/core.js';
import { claimUpdate } from '../../../src/updates/once.js';

/** Drops an update whose update_id was handled before (Telegram redelivery, webhook retry, two processes). */
export function onceFeature(core: Pick<Core, 'db' | 'metrics'>) {
  const composer = new Composer();
  composer.use(async (ctx, next) => {
    if (!(await claimUpdate(core.db.pool, 'telegram', ctx.update.update_id))) {
      core.metrics.updatesHandled.inc({ platform: 'telegram', outcome: 'duplicate' });
      return;
    }
    await next();
  });
  return composer;
}
