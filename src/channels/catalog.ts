import type { Actor } from '../actor.js';
import type { Config } from '../config.js';
import type { ChannelName } from './port.js';

/** The part of a channel's declaration (src/channels/declaration.ts) that the core's rules read. */
export interface ChannelRules {
  /** Its name in actors, message refs and the audit log (`telegram`). */
  name: ChannelName;
  /** How a command is typed there: `/` (`/status`), or `/aurea ` for a Slack slash command. */
  commandPrefix: string;
  /** Whether the configuration turns it on (its token is set); the console is turned on by a terminal instead. */
  configured(config: Config): boolean;
  /** Whether this user of the channel is a founder, by the configuration. */
  isFounder(config: Config, userId: string): boolean;
  /** The founders the configuration names (user ids), with the setting each comes from. */
  configuredFounders(config: Config): Array<{ userId: string; from: string }>;
  /**
   * What a newcomer sends, and where, to claim the bot with a pairing code, after the caller's verb
   * ("send"): e.g. `"/start 482913" to @aurea_bot`; absent where nobody pairs (the console's owner is a founder).
   * Never throws (without the bot's name it says "your bot").
   */
  pairingHint?(config: Config, code: string): Promise<string>;
  /** The settings that configure it (environment variables and aurea.config.yaml keys), for hints. */
  configKeys: readonly string[];
}

/** The declared channels, as the core reads them. */
export class ChannelCatalog {
  private readonly byName: ReadonlyMap<string, ChannelRules>;

  constructor(readonly declarations: readonly ChannelRules[]) {
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
