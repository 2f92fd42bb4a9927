/**
 * The chat channels a process opens, from their declarations (bots/channels.ts) and the
 * configuration: Telegram and Slack when their tokens are set, the console when there is a
 * terminal. Each opened channel is added to the broadcaster, so alerts and approval requests reach
 * every founder chat.
 */
import type { Readable, Writable } from 'node:stream';
import type { ChannelDeclaration, OpenChannel } from '../src/channels/declaration.js';
import type { RouteHandler } from '../src/http/server.js';
import type { AdapterDeps } from '../src/inbound.js';

export interface ChatAdapters {
  /** HTTP routes the adapters serve (`POST /telegram/webhook`, `POST /slack/events`). */
  routes: Map<string, RouteHandler>;
  /** The foreground session (the console of `aurea chat`), if one was opened. */
  session?: OpenChannel['session'];
  /** Whether any channel is open at all. */
  any: boolean;
  /** The names of the channels opened. */
  names: string[];
  /** Starts receiving (polling, webhook registration, Socket Mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * @param channels the declared channels (bots/channels.ts)
 * @param receive true in processes that take updates (`start`, `bot`); a worker only sends, through
 *   the platforms' Web APIs
 * @param terminal the terminal for `aurea chat`
 */
export async function createChatAdapters(
  deps: AdapterDeps,
  channels: readonly ChannelDeclaration[],
  receive: boolean,
  terminal?: { input: Readable; output: Writable & { isTTY?: boolean } },
): Promise<ChatAdapters> {
  const opened: OpenChannel[] = [];
  const names: string[] = [];
  for (const declaration of channels) {
    const open = await declaration.open(deps, { receive, terminal });
    if (!open) continue;
    opened.push(open);
    names.push(declaration.name);
    deps.broadcaster.add(open.channel);
  }
  return {
    routes: new Map(opened.flatMap((o) => [...(o.routes ?? [])])),
    session: opened.find((o) => o.session)?.session,
    any: opened.length > 0,
    names,
    async start() {
      for (const o of opened) await o.start?.();
    },
    async stop() {
      for (const o of [...opened].reverse()) await o.stop?.().catch((err: unknown) => deps.log.warn({ err }, 'stopping a chat adapter failed'));
    },
  };
}
