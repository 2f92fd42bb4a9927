import { Api } from 'grammy';
import type { ChannelDeclaration } from '../../src/channels/declaration.js';
import { founderRules } from '../../src/channels/settings.js';
import { guardBody } from '../../src/http/body.js';
import { createApi } from './api.js';
import { TelegramChannel } from './channel.js';
import { createTelegramBot } from './index.js';
import { telegramSettings } from './settings.js';
import { createTelegramThrottle } from './throttle.js';

/** Telegram (grammY): founders by numeric user id; long polling, or a webhook on POST /telegram/webhook. */
export const telegram: ChannelDeclaration = {
  name: 'telegram',
  commandPrefix: '/',
  settings: telegramSettings,
  ...founderRules(telegramSettings),
  configKeys: ['TELEGRAM_BOT_TOKEN', 'FOUNDER_TELEGRAM_IDS (or founders.telegram, or a pairing code)', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_API_ROOT'],
  async pairingHint(config, code) {
    // The bot's @username (getMe); a deep link sends the same `/start <code>` with one tap.
    const { token, apiRoot } = telegramSettings.of(config);
    const username = token
      ? await new Api(token, { apiRoot, timeoutSeconds: 10 }).getMe().then((me) => me.username, () => undefined)
      : undefined;
    return username ? `"/start ${code}" to @${username} (or open https://t.me/${username}?start=${code})` : `"/start ${code}" to your bot`;
  },
  async open(deps, { receive }) {
    const { config, log } = deps;
    if (!telegram.configured(config)) return null;
    const throttle = createTelegramThrottle(config, log);
    if (!receive) {
      return { channel: new TelegramChannel(createApi(config, throttle), () => deps.founders.chatsOf('telegram')), stop: () => throttle.close() };
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
