/**
 * The chat adapters a process runs, from the configuration: Telegram and Slack when their tokens
 * are set, the console when asked. Each founder channel is added to the broadcaster, so alerts and
 * approval requests reach every one of them.
 */
import type { Readable, Writable } from 'node:stream';
import type { Core } from '../src/core.js';
import { guardBody } from '../src/http/body.js';
import type { RouteHandler } from '../src/http/server.js';
import { createConsole, type ConsoleAdapter } from './console/index.js';
import { createApi } from './telegram/api.js';
import { TelegramChannel } from './telegram/channel.js';
import { createTelegramBot } from './telegram/index.js';
import { createTelegramThrottle } from './telegram/throttle.js';

export interface ChatAdapters {
  /** HTTP routes the adapters serve (`POST /telegram/webhook`, `POST /slack/events`). */
  routes: Map<string, RouteHandler>;
  console?: ConsoleAdapter;
  /** Whether any founder channel is configured at all. */
  any: boolean;
  /** Starts receiving (polling, webhook registration, Socket Mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * @param receive true in processes that take updates (`start`, `bot`); a worker only sends, through
 *   the platforms' Web APIs
 * @param consoleIo the terminal for `aurea chat`
 */
export async function createChatAdapters(core: Core, receive: boolean, consoleIo?: { input: Readable; output: Writable & { isTTY?: boolean } }): Promise<ChatAdapters> {
  const { config, broadcaster, log } = core;
  const routes = new Map<string, RouteHandler>();
  const starts: Array<() => Promise<void>> = [];
  const stops: Array<() => Promise<void>> = [];

  if (config.telegram.token) {
    const throttle = createTelegramThrottle(config, log);
    stops.push(() => throttle.close());
    if (receive) {
      const telegram = createTelegramBot(core, throttle);
      broadcaster.add(telegram.channel);
      if (telegram.webhook) routes.set('POST /telegram/webhook', guardBody(telegram.webhook, { types: ['application/json'] }));
      starts.push(() => telegram.start());
      stops.push(() => telegram.stop());
    } else {
      broadcaster.add(new TelegramChannel(createApi(config, throttle), config.telegram.founders));
    }
    if (config.telegram.founders.length === 0) {
      log.warn('TELEGRAM_BOT_TOKEN is set but no founder is: set FOUNDER_TELEGRAM_IDS or founders.telegram, or nobody can use the bot');
    }
  }
  if (config.slack.botToken) {
    // Bolt is loaded only when Slack is configured (it is a large part of start-up otherwise).
    if (receive) {
      const { createSlackApp } = await import('./slack/index.js');
      const slack = createSlackApp(core);
      broadcaster.add(slack.channel);
      if (slack.requestListener) routes.set('POST /slack/events', guardBody(slack.requestListener, { types: ['application/json', 'application/x-www-form-urlencoded'] }));
      starts.push(() => slack.start());
      stops.push(() => slack.stop());
    } else {
      const [{ webApi }, { SlackChannel }] = await Promise.all([import('@slack/bolt'), import('./slack/channel.js')]);
      broadcaster.add(new SlackChannel(new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }), config.slack.founders));
    }
    if (config.slack.founders.length === 0) {
      log.warn('SLACK_BOT_TOKEN is set but no founder is: set FOUNDER_SLACK_IDS or founders.slack, or nobody can use the Slack app');
    }
  }
  let consoleAdapter: ConsoleAdapter | undefined;
  if (consoleIo) {
    const adapter = createConsole(core, consoleIo);
    consoleAdapter = adapter;
    broadcaster.add(adapter.channel);
    stops.push(async () => adapter.close());
  }

  return {
    routes,
    console: consoleAdapter,
    any: Boolean(config.telegram.token || config.slack.botToken || consoleIo),
    async start() {
      for (const start of starts) await start();
    },
    async stop() {
      for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'stopping a chat adapter failed'));
    },
  };
}
