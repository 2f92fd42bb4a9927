import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Api } from 'grammy';
import type { Config } from '../../src/config.js';

/**
 * Installs the outbound transformers on a grammY Api:
 * 1. apiThrottler: stays within Telegram's limits (Bot FAQ: about 30 messages/s overall, about
 *    1 message/s per chat with short bursts allowed, 20/min per group). Per chat we allow a burst of
 *    3 refilled at 1/s instead of the plugin's default strict 1 per 1.05 s, so an answer to a
 *    founder's command is not held behind the previous one.
 * 2. autoRetry (installed last, so it runs first and its retries pass through the throttler again):
 *    waits `retry_after` on 429 and retries 5xx/network errors, at most 5 times, waiting at most 60 s.
 */
export function configureApi(api: Api): Api {
  api.config.use(
    apiThrottler({
      out: {
        maxConcurrent: 1,
        reservoir: 3,
        reservoirIncreaseAmount: 1,
        reservoirIncreaseInterval: 1_000,
        reservoirIncreaseMaximum: 3,
      },
    }),
  );
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  return api;
}

/** grammY client options from the configuration (`TELEGRAM_API_ROOT`). */
export function clientOptions(config: Config) {
  return { apiRoot: config.telegram.apiRoot };
}

/** A standalone Api for processes that only send (a worker without the bot). */
export function createApi(config: Config): Api {
  return configureApi(new Api(config.telegram.token!, clientOptions(config)));
}
