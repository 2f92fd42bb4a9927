import type { ChannelDeclaration } from '../../src/channels/declaration.js';
import { guardBody } from '../../src/http/body.js';
import { createApi } from './api.js';
import { TelegramChannel } from './channel.js';
import { createTelegramBot } from './index.js';
import { createTelegramThrottle } from './throttle.js';

/** Telegram (grammY): founders by numeric user id; long polling, or a webhook on POST /telegram/webhook. */
export const telegram: ChannelDeclaration = {
  name: 'telegram',
  commandPrefix: '/',
  isFounder: (config, userId) => config.telegram.founders.includes(Number(userId)),
  configKeys: ['TELEGRAM_BOT_TOKEN', 'FOUNDER_TELEGRAM_IDS (or founders.telegram)', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_API_ROOT'],
  async open(deps, { receive }) {
    const { config, log } = deps;
    if (!config.telegram.token) return null;
    if (config.telegram.founders.length === 0) {
      log.warn('TELEGRAM_BOT_TOKEN is set but no founder is: set FOUNDER_TELEGRAM_IDS or founders.telegram, or nobody can use the bot');
    }
    const throttle = createTelegramThrottle(config, log);
    if (!receive) {
      return { channel: new TelegramChannel(createApi(config, throttle), config.telegram.founders), stop: () => throttle.close() };
    }
    const bot = createTelegramBot(deps, throttle);
    return {
      channel: bot.channel,
      routes: new Map(bot.webhook ? [['POST /telegram/webhook', guardBody(bot.webhook, { types: ['application/json'] })]] : []),
      start: () => bot.start(),
      async stop() {
        await bot.stop();
        await throttle.close();
      },
    };
  },
};
