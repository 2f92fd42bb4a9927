/**
 * What a chat adapter declares about its channel. The core knows channels only through these
 * declarations (gathered in bots/channels.ts and handed over by the composition root): how
 * founders are identified there, how commands are typed, which settings configure it, and how a
 * process opens it.
 */
import type { Readable, Writable } from 'node:stream';
import type { Actor } from '../actor.js';
import type { Config } from '../config.js';
import type { RouteHandler } from '../http/server.js';
import type { AdapterDeps } from '../inbound.js';
import type { Channel, ChannelName } from './port.js';

/** A channel opened in this process. */
export interface OpenChannel {
  channel: Channel;
  /** HTTP routes it serves on AUREA's server (`POST /telegram/webhook`). */
  routes?: ReadonlyMap<string, RouteHandler>;
  /** Starts receiving (polling, webhook registration, Socket Mode). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** An interactive session the process runs in the foreground (the console of `aurea chat`). */
  session?: { run(): Promise<void>; close(): void };
}

export interface ChannelDeclaration {
  /** Its name in actors, message refs and the audit log (`telegram`). */
  name: ChannelName;
  /** How a command is typed there: `/` (`/status`), or `/aurea ` for a Slack slash command. */
  commandPrefix: string;
  /** Whether this user of the channel is a founder, by the configuration. */
  isFounder(config: Config, userId: string): boolean;
  /** The settings that configure it (environment variables and aurea.config.yaml keys), for hints. */
  configKeys: readonly string[];
  /**
   * Opens it in this process, or returns null when the configuration does not enable it.
   * @param how.receive true in processes that take updates (`start`, `bot`); a worker only sends
   * @param how.terminal the terminal of `aurea chat`, when there is one
   */
  open(deps: AdapterDeps, how: { receive: boolean; terminal?: { input: Readable; output: Writable & { isTTY?: boolean } } }): Promise<OpenChannel | null>;
}

/** The declared channels, as the core reads them. */
export class ChannelCatalog {
  private readonly byName: ReadonlyMap<string, ChannelDeclaration>;

  constructor(readonly declarations: readonly ChannelDeclaration[]) {
    this.byName = new Map(declarations.map((d) => [d.name, d]));
  }

  /** `/` or `/aurea `; `/` for a channel nobody declared. */
  commandPrefix(channel: ChannelName): string {
    return this.byName.get(channel)?.commandPrefix ?? '/';
  }

  /** Whether `actor` is a founder: AUREA itself always; a platform user when its channel says so. */
  isFounder(config: Config, actor: Actor): boolean {
    if (actor.platform === 'system') return true;
    return this.byName.get(actor.platform)?.isFounder(config, actor.id) ?? false;
  }
}
