import { actorKey, type Actor } from '../actor.js';
import type { ChannelCatalog } from '../channels/catalog.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { FounderStore, PairedFounder } from './store.js';

/** One founder as /founders and `aurea founders` show them. */
export interface FounderEntry {
  platform: string;
  userId: string;
  /** Display name, known for paired founders. */
  name?: string;
  /** Where they come from: `aurea.config.yaml`, `FOUNDER_TELEGRAM_IDS`, … or `pairing`. */
  from: string;
  /** When they paired (paired founders only). */
  pairedAt?: Date;
}

/**
 * Who the founders are: those the configuration names (each channel's declaration reads them) and
 * those who paired (the `founders` table). The one answer to "may this person use AUREA" and "whose
 * chats get alerts and approvals". Paired founders are cached in memory: read at start, changed at
 * once by this process's pairings and /unpair, and re-read every few seconds for the other processes'.
 */
export class FounderDirectory {
  private paired = new Map<string, PairedFounder>();

  constructor(
    private readonly config: Config,
    private readonly channels: ChannelCatalog,
    private readonly store: FounderStore,
    private readonly log: Logger,
  ) {}

  /** Re-reads the paired founders. Never throws (keeps the last list and logs). */
  async refresh(): Promise<void> {
    try {
      this.paired = new Map((await this.store.list()).map((f) => [`${f.platform}:${f.userId}`, f]));
    } catch (err) {
      this.log.warn({ err }, 'founders: could not re-read the paired founders; keeping the last list');
    }
  }

  /**
   * Re-reads the paired founders every `intervalMs` (ms) in the background.
   * @returns what stops it (for the shutdown list)
   */
  startRefresh(intervalMs: number): () => Promise<void> {
    const timer = setInterval(() => void this.refresh(), intervalMs);
    timer.unref();
    return async () => clearInterval(timer);
  }

  /** Whether `actor` is a founder: AUREA itself, a configured one, or a paired one. */
  isFounder(actor: Actor): boolean {
    return this.channels.isFounder(this.config, actor) || this.paired.has(actorKey(actor));
  }

  /** The founders' user ids on a platform (their private chats), configured first. */
  chatsOf(platform: string): string[] {
    return [...new Set(this.entries().filter((f) => f.platform === platform).map((f) => f.userId))];
  }

  /** Whether a platform has a founder yet. */
  hasFounder(platform: string): boolean {
    return this.chatsOf(platform).length > 0;
  }

  /** Every founder: the configured ones (channel by channel), then the paired ones. */
  entries(): FounderEntry[] {
    const configured = this.channels.declarations.flatMap((d) => d.configuredFounders(this.config).map((f) => ({ platform: d.name, ...f })));
    const paired = [...this.paired.values()]
      .filter((p) => !configured.some((c) => c.platform === p.platform && c.userId === p.userId))
      .map((p) => ({ platform: p.platform, userId: p.userId, name: p.name, from: 'pairing', pairedAt: p.pairedAt }));
    return [...configured, ...paired];
  }

  /** The paired founder with this id (on any platform, or on `platform`), if there is one. */
  pairedFounder(userId: string, platform?: string): PairedFounder | undefined {
    return [...this.paired.values()].find((p) => p.userId === userId && (!platform || p.platform === platform));
  }

  /** Stores a founder who paired; they are served from now on in this process. */
  async add(actor: Actor): Promise<void> {
    await this.store.add(actor);
    await this.refresh();
  }

  /** Removes a paired founder. @returns whether there was one */
  async remove(platform: string, userId: string): Promise<boolean> {
    const removed = await this.store.remove(platform, userId);
    await this.refresh();
    return removed;
  }
}
