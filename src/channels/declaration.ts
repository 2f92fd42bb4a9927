/**
 * What a chat adapter declares about its channel. The core knows channels only through these
 * declarations (gathered in bots/channels.ts and handed over by the composition root): how
 * founders are identified there, how commands are typed, the settings it owns (and their check for
 * `aurea doctor` and `aurea init`), and how a process opens it.
 */
import type { Readable, Writable } from 'node:stream';
import type { RouteHandler } from '../http/server.js';
import type { AdapterDeps } from '../inbound.js';
import type { ChannelRules } from './catalog.js';
import type { Channel } from './port.js';
import type { ChannelSettings } from './settings.js';

/** A channel opened in this process. */
export interface OpenChannel {
  channel: Channel;
  /** HTTP routes it serves on AUREA's server (`POST /telegram/webhook`). */
  routes?: ReadonlyMap<string, RouteHandler>;
  /** Starts receiving (polling, webhook registration, Socket Mode). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** An interactive session the process runs in the foreground (the console of `aurea chat`). */
  session?: { run(first?: readonly string[]): Promise<void>; close(): void };
}

export interface ChannelDeclaration extends ChannelRules {
  /** The settings it owns (src/channels/settings.ts; `any`: each channel has its own type); absent for a channel with none (the console). */
  settings?: ChannelSettings<any>;
  /**
   * Opens it in this process, or returns null when the configuration does not enable it.
   * @param how.receive true in processes that take updates (`start`, `bot`); a worker only sends
   * @param how.terminal the terminal of `aurea chat`, when there is one
   */
  open(deps: AdapterDeps, how: { receive: boolean; terminal?: { input: Readable; output: Writable & { isTTY?: boolean } } }): Promise<OpenChannel | null>;
}
