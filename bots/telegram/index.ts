import type { IncomingMessage, ServerResponse } from 'node:http';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, webhookCallback } from 'grammy';
import type { AdapterDeps } from '../../src/inbound.js';
import { clientOptions, configureApi } from './api.js';
import { TelegramChannel } from './channel.js';
import type { TelegramThrottle } from './throttle.js';
import { tapsFeature } from './features/taps.js';
import { commandsFeature } from './features/commands.js';
import { onceFeature } from './features/once.js';
import { voiceFeature } from './features/voice.js';
import { telegramSettings } from './settings.js';

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramBot {
  bot: Bot;
  channel: TelegramChannel;
  /** Handler for POST /telegram/webhook (checks X-Telegram-Bot-Api-Secret-Token); null in polling mode. */
  webhook: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  /** getMe, setMyCommands, then long polling with @grammyjs/runner, or setWebhook in webhook mode. */
  start(): Promise<void>;
  /** Stops fetching updates and waits for the handlers in flight. */
  stop(): Promise<void>;
}

/**
 * The Telegram adapter (grammY). Middleware order: handle each update_id once → per-chat ordering →
 * button taps → voice → text. Who is served is decided in src/inbound.ts, as for every channel.
 * @param core the shared services (its Telegram token must be set)
 * @param throttle the process's Telegram rate limiter (./throttle.ts)
 */
export function createTelegramBot(core: AdapterDeps, throttle: TelegramThrottle): TelegramBot {
  const { config, log } = core;
  const settings = telegramSettings.of(config);
  const bot = new Bot(settings.token!, { client: clientOptions(config) });
  configureApi(bot.api, throttle);
  const channel = new TelegramChannel(bot.api, () => core.founders.chatsOf('telegram'));

  bot.use(onceFeature(core, bot));
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(tapsFeature(core));
  bot.use(voiceFeature(core, channel));
  bot.use(commandsFeature(core, channel));
  bot.catch((err) => log.error({ err: err.error, update: err.ctx.update.update_id }, 'telegram update failed'));

  const webhookMode = Boolean(settings.webhookUrl);
  let runner: RunnerHandle | undefined;

  return {
    bot,
    channel,
    webhook: webhookMode
      ? webhookCallback(bot, 'http', { secretToken: settings.webhookSecret, onTimeout: 'return' })
      : null,
    async start() {
      await bot.init();
      await bot.api.setMyCommands(core.commands.list().map((c) => ({ command: c.name, description: c.description })));
      if (webhookMode) {
        await bot.api.setWebhook(settings.webhookUrl!, {
          secret_token: settings.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        log.info({ bot: bot.botInfo.username }, 'telegram: webhook set');
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
      log.info({ bot: bot.botInfo.username }, 'telegram: long polling');
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
