import type { Redis } from 'ioredis';
import type pg from 'pg';
import { actorKey, type Actor } from './actor.js';
import { audit } from './audit/log.js';
import type { Logger } from './log.js';

/** How often a stranger's chat is told "private bot": once per hour. */
export const REFUSAL_WINDOW_MS = 3_600_000;
/** How often the counts of unanswered refusals are written to the audit log. */
const FLUSH_MS = 5_000;

interface Tally {
  actor: Actor;
  attempted: string;
  count: number;
}

/**
 * Refusing strangers without letting them spend the founders' message budget (Telegram allows
 * about 30 messages/s per bot): a chat is answered with the refusal at most once per hour, claimed
 * with `SET NX PX` in Redis so that every process shares the window (a process-local window when
 * Redis is away). Every refused message still reaches `audit_log`: the first of a window as its own
 * `access.refused` row, the rest as one aggregated row per stranger (`details.count`) every few seconds.
 */
export class RefusalGate {
  private readonly tallies = new Map<string, Tally>();
  private readonly localUntil = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: { db: pg.Pool; redis: Redis; prefix: string; log: Logger }) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Records one refused message or tap.
   * @param chat where it came from (`telegram:2222222`); the refusal window is per chat
   * @param attempted what they sent, for the audit log (cut to 200 characters)
   * @returns true when the refusal should be sent (the first in this chat this hour)
   */
  async refuse(actor: Actor, chat: string, attempted: string): Promise<boolean> {
    const what = attempted.slice(0, 200);
    if (await this.claim(chat)) {
      await audit(this.deps.db, actor, 'access.refused', null, { attempted: what });
      return true;
    }
    const key = actorKey(actor);
    const tally = this.tallies.get(key) ?? { actor, attempted: what, count: 0 };
    tally.count++;
    tally.attempted = what;
    this.tallies.set(key, tally);
    return false;
  }

  /** Writes the aggregated counts to the audit log. Never throws (a failed write is retried next time). */
  async flush(): Promise<void> {
    const tallies = [...this.tallies.values()];
    this.tallies.clear();
    for (const t of tallies) {
      await audit(this.deps.db, t.actor, 'access.refused', null, { attempted: t.attempted, count: t.count, aggregated: true }).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'could not write refused-message counts; will retry');
        const again = this.tallies.get(actorKey(t.actor));
        this.tallies.set(actorKey(t.actor), { ...t, count: t.count + (again?.count ?? 0) });
      });
    }
  }

  /** Stops the periodic flush and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async claim(chat: string): Promise<boolean> {
    if (this.deps.redis.status === 'ready') {
      try {
        return (await this.deps.redis.set(`${this.deps.prefix}:refused:${chat}`, '1', 'PX', REFUSAL_WINDOW_MS, 'NX')) === 'OK';
      } catch {
        // Redis went away mid-call: fall through to this process's own window.
      }
    }
    const now = Date.now();
    if ((this.localUntil.get(chat) ?? 0) > now) return false;
    this.localUntil.set(chat, now + REFUSAL_WINDOW_MS);
    return true;
  }
}
