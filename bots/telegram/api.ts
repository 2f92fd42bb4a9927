import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { Config } from '../../src/config.js';
import type { TelegramThrottle } from './throttle.js';
import { telegramSettings } from './settings.js';

/**
 * Installs the outbound transformers on a grammY Api:
 * 1. the throttle (./throttle.ts): Telegram's flood limits, shared by every AUREA process.
 * 2. autoRetry (installed last, so it runs first and its retries pass through the throttler again):
 *    waits `retry_after` on 429 and retries 5xx/network errors, at most 5 times, waiting at most 60 s.
 */
export function configureApi(api: Api, throttle: TelegramThrottle): Api {
  api.config.use(throttle.transformer);
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  return api;
}

/** grammY client options from the configuration (`TELEGRAM_API_ROOT`). */
export function clientOptions(config: Config) {
  return { apiRoot: telegramSettings.of(config).apiRoot };
}

/** A standalone Api for processes that only send (a worker without the bot). */
export function createApi(config: Config, throttle: TelegramThrottle): Api {
  return configureApi(new Api(telegramSettings.of(config).token!, clientOptions(config)), throttle);
}
