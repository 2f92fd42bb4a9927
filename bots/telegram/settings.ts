import { Api, GrammyError } from 'grammy';
import { z } from 'zod';
import { defineChannelSettings, type FounderEntry } from '../../src/channels/settings.js';
import { ConfigError, describeError } from '../../src/errors.js';

/** Telegram's settings, as the rest of bots/telegram/ reads them (`telegramSettings.of(config)`). */
export interface TelegramSettings {
  enabled: boolean;
  /** Bot token from @BotFather; undefined = no Telegram channel. Secret. */
  token: string | undefined;
  /** Bot API root without a trailing slash (a local Bot API server, or the fake in tests). */
  apiRoot: string;
  /** Set = webhook mode on POST /telegram/webhook; unset = long polling. */
  webhookUrl: string | undefined;
  /** Sent by Telegram with every webhook update (setWebhook secret_token). Secret. */
  webhookSecret: string | undefined;
  founders: readonly FounderEntry[];
  /** Messages per chat: a burst, refilled at `perSecond` (`telegram.perChat` in aurea.config.yaml). */
  perChat: { burst: number; perSecond: number };
}

/**
 * Telegram's part of the configuration: TELEGRAM_* variables, FOUNDER_TELEGRAM_IDS /
 * `founders.telegram` (numeric user ids), and the `telegram:` section of aurea.config.yaml.
 */
export const telegramSettings = defineChannelSettings({
  name: 'telegram',
  title: 'Telegram',
  env: {
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, { error: 'expected a token from @BotFather, like 123456:ABC-DEF…' })
      .optional(),
    TELEGRAM_API_ROOT: z.url({ error: 'expected a URL like https://api.telegram.org' }).default('https://api.telegram.org'),
    TELEGRAM_WEBHOOK_URL: z.url({ error: 'expected the public https URL that Telegram should POST updates to' }).optional(),
    // Bot API setWebhook: secret_token is 1-256 characters A-Z, a-z, 0-9, _ and -.
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'expected 1-256 characters from A-Z, a-z, 0-9, _ and -' })
      .optional(),
  },
  // Telegram's flood limit in one chat (Bot FAQ: about one message a second, short bursts allowed):
  // what bots/telegram/throttle.ts keeps to. Lower it only for a local Bot API server or tests.
  file: z.strictObject({
    perChat: z.strictObject({ burst: z.number().int().min(1).max(100).default(3), perSecond: z.number().positive().max(100).default(1) }).prefault({}),
  }),
  founderId: z.number({ error: 'expected numeric Telegram user ids' }).int().positive({ error: 'expected numeric Telegram user ids' }).transform(String),
  founderIdText: { pattern: /^\d{1,20}$/, hint: 'a Telegram user id (digits only)' },
  settings({ env: e, file, founders }): TelegramSettings {
    if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
      throw new ConfigError(
        'TELEGRAM_WEBHOOK_SECRET',
        'Invalid environment: TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not, so anyone who finds the URL could post updates as a founder. ' +
          'Make one with `openssl rand -hex 32` and set TELEGRAM_WEBHOOK_SECRET (Telegram then sends it with every update), or unset TELEGRAM_WEBHOOK_URL for long polling',
      );
    }
    if (e.TELEGRAM_WEBHOOK_SECRET && !e.TELEGRAM_WEBHOOK_URL) {
      throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'Invalid environment: TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not; set both for webhook mode, or neither for long polling');
    }
    return {
      enabled: Boolean(e.TELEGRAM_BOT_TOKEN),
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      founders,
      perChat: file?.perChat ?? { burst: 3, perSecond: 1 },
    };
  },
  secrets: (s) => [s.token, s.webhookSecret],
  async check(s, { httpPort }) {
    const api = new Api(s.token!, { apiRoot: s.apiRoot, timeoutSeconds: 10 });
    try {
      const me = await api.getMe();
      const lines = [{ level: 'ok' as const, what: 'telegram', detail: `@${me.username} via ${s.apiRoot}, ${s.webhookUrl ? `webhook ${s.webhookUrl}` : 'long polling'}` }];
      if (!s.webhookUrl) return lines;
      const info = await api.getWebhookInfo();
      if (info.url !== s.webhookUrl) {
        return [...lines, { level: 'warn', what: 'telegram webhook', detail: `Telegram has ${info.url ? info.url : 'no webhook'} registered`, fix: 'start AUREA (it calls setWebhook with TELEGRAM_WEBHOOK_URL)' }];
      }
      if (info.last_error_message) {
        return [
          ...lines,
          {
            level: 'fail',
            what: 'telegram webhook',
            detail: `Telegram cannot deliver to ${info.url}: ${info.last_error_message} (${info.pending_update_count} updates waiting)`,
            fix: `make ${info.url} reach AUREA's POST /telegram/webhook on port ${httpPort} (a public https reverse proxy), or unset TELEGRAM_WEBHOOK_URL for long polling`,
          },
        ];
      }
      return [...lines, { level: 'ok', what: 'telegram webhook', detail: `${info.url} (${info.pending_update_count} updates waiting)` }];
    } catch (err) {
      const refused = err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404);
      return [
        {
          level: 'fail',
          what: 'telegram',
          detail: `getMe failed: ${describeError(err)}`,
          fix: refused ? 'the token was revoked or mistyped: copy the current one from @BotFather (/mybots → your bot → API Token) into TELEGRAM_BOT_TOKEN' : `${s.apiRoot} is unreachable from here: check the network or proxy, or TELEGRAM_API_ROOT`,
        },
      ];
    }
  },
  setup: [{ key: 'TELEGRAM_BOT_TOKEN', question: 'Telegram bot token from @BotFather (Enter to skip)' }],
});
