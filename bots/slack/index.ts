import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type BlockButtonAction, type webApi } from '@slack/bolt';
import type { Actor } from '../../src/actor.js';
import type { AdapterDeps } from '../../src/inbound.js';
import { handleTap, handleText, handleVoice } from '../../src/inbound.js';
import { RedeliveringOnce } from '../../src/updates/once.js';
import { SlackChannel } from './channel.js';
import { slackLogger } from './logger.js';
import { fallbackText, renderBlocks } from './render.js';
import { slackSettings } from './settings.js';

export interface SlackAdapter {
  app: App;
  channel: SlackChannel;
  /** Handler for POST /slack/events (events, slash commands, interactivity) in HTTP mode; null in Socket Mode. */
  requestListener: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const slackActor = (id: string, name?: string): Actor => ({ platform: 'slack', id, name: name || id });

/** Removes the leading `<@U…>` mention(s) of an app_mention's text. */
const withoutMention = (text: string) => text.replace(/^(\s*<@[A-Z0-9]+(\|[^>]*)?>)+\s*/, '');

/**
 * The Slack adapter (Bolt). HTTP mode mounts Bolt's HTTPReceiver on the shared server at
 * POST /slack/events: it verifies `X-Slack-Signature` with SLACK_SIGNING_SECRET, refuses timestamps
 * more than 5 minutes off (401), answers url_verification, and acks within Slack's 3 s while the
 * work continues. SLACK_APP_TOKEN switches to Socket Mode. Events are handled once per `event_id`
 * (Slack retries carry the same id with X-Slack-Retry-Num).
 */
/**
 * An audio file shared in a DM: files.info for its metadata, then the authenticated download of
 * `url_private_download` (Bearer bot token), handed to the shared voice service.
 */
async function handleAudioFile(core: AdapterDeps, client: webApi.WebClient, channel: SlackChannel, chatId: string, actor: Actor, fileId: string): Promise<void> {
  const { file } = await client.files.info({ file: fileId });
  if (!file?.url_private_download) return;
  const url = file.url_private_download;
  await handleVoice(core, {
    actor,
    chat: { channel: 'slack', chatId },
    mimeType: file.mimetype,
    bytes: file.size,
    durationSec: typeof file.duration_ms === 'number' ? file.duration_ms / 1000 : undefined,
    extension: file.filetype ?? 'audio',
    async download() {
      const res = await fetch(url, { headers: { authorization: `Bearer ${slackSettings.of(core.config).botToken}` }, signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`Slack file download answered HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    reply: (message) => channel.send(chatId, message),
  });
}

export function createSlackApp(core: AdapterDeps): SlackAdapter {
  const { config, log } = core;
  const logger = slackLogger(log);
  const settings = slackSettings.of(config);
  const socketMode = Boolean(settings.appToken);
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: settings.appToken!, logger })
    : new HTTPReceiver({ signingSecret: settings.signingSecret!, endpoints: '/slack/events', processBeforeResponse: false, logger });
  const app = new App({ receiver, token: settings.botToken, logger, clientOptions: { slackApiUrl: settings.apiUrl } });
  const channel = new SlackChannel(app.client, () => core.founders.chatsOf('slack'));

  // Each event_id once; a failed one is given back and handed to Bolt again (it was acknowledged
  // before it was handled, so Slack will not send it again).
  const once = new RedeliveringOnce({ db: core.db.pool, log });
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (!eventId) return next();
    const outcome = await once.run('slack', eventId, () => next(), () => app.processEvent({ body, ack: async () => undefined }));
    if (outcome === 'duplicate') core.metrics.updatesHandled.inc({ platform: 'slack', outcome: 'duplicate' });
  });

  app.command('/aurea', async ({ ack, command, respond }) => {
    await ack();
    await handleText(core, {
      actor: slackActor(command.user_id, command.user_name),
      chat: { channel: 'slack', chatId: command.channel_id },
      // Words after /aurea are read like a DM: a command when the first word names one, else free text.
      text: command.text.trim() || 'help',
      reply: async (message) => {
        await respond({ response_type: 'ephemeral', text: fallbackText(message), blocks: renderBlocks(message) });
      },
    });
  });

  app.event('app_mention', async ({ event }) => {
    if (!event.user) return;
    await handleText(core, {
      actor: slackActor(event.user),
      chat: { channel: 'slack', chatId: event.channel },
      text: withoutMention(event.text),
      reply: (message) => channel.send(event.channel, message),
    });
  });

  app.message(async ({ message, client }) => {
    if (message.channel_type !== 'im') return;
    if (message.subtype === 'file_share' && message.user) {
      const audio = (message.files ?? []).find((f) => /^(audio|video)\//.test(f.mimetype ?? ''));
      if (audio) await handleAudioFile(core, client, channel, message.channel, slackActor(message.user), audio.id);
      return;
    }
    if (message.subtype !== undefined || !message.user || !message.text) return;
    await handleText(core, {
      actor: slackActor(message.user),
      chat: { channel: 'slack', chatId: message.channel },
      text: message.text,
      reply: (m) => channel.send(message.channel, m),
    });
  });

  // Every button click goes to the one tap path in src/inbound.ts, whatever the button is.
  app.action<BlockButtonAction>({ type: 'block_actions' }, async ({ ack, body, action, respond }) => {
    await ack();
    const chatId = body.channel?.id ?? body.user.id;
    const answer = await handleTap(core, slackActor(body.user.id, body.user.name ?? body.user.username), action.value ?? action.action_id, { channel: 'slack', chatId });
    await respond({ response_type: 'ephemeral', replace_original: false, text: answer });
  });

  app.error(async (err) => {
    log.error({ err }, 'slack handler failed');
  });

  return {
    app,
    channel,
    requestListener: receiver instanceof HTTPReceiver ? receiver.requestListener : null,
    async start() {
      if (socketMode) await app.start();
      log.info({ mode: socketMode ? 'socket' : 'http' }, 'slack: ready');
    },
    async stop() {
      if (socketMode) await app.stop();
    },
  };
}
