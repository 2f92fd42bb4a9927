/**
 * Claiming the bot with a one-time pairing code, instead of hunting for a numeric user id: AUREA
 * prints `send "/start 482913" to @your_bot within 15 minutes`, and the first person who sends it
 * becomes a founder. Codes live in Redis (every process, and `aurea pair` while AUREA runs, see the
 * same code), hashed, one per channel, with an expiry; a claim compares and deletes in one script,
 * so a code makes one founder. Five wrong codes from one person block them for an hour.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Actor } from '../actor.js';

/** Wrong codes one person may send before they are blocked. */
export const PAIRING_ATTEMPTS = 5;
/** How long a person who sent {@link PAIRING_ATTEMPTS} wrong codes is blocked (1 hour). */
export const PAIRING_LOCKOUT_MS = 3_600_000;

/** What a claim came to. `attempts` counts this person's wrong codes in the current hour. */
export type PairingOutcome = { outcome: 'accepted' | 'wrong' | 'blocked'; attempts: number };

// KEYS: the channel's code, this person's wrong-code counter. ARGV: code hash, attempts allowed, lockout ms.
const CLAIM = `
local wrong = tonumber(redis.call('get', KEYS[2]) or '0')
if wrong >= tonumber(ARGV[2]) then return {'blocked', wrong} end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  return {'accepted', wrong}
end
wrong = redis.call('incr', KEYS[2])
if wrong == 1 or wrong >= tonumber(ARGV[2]) then redis.call('pexpire', KEYS[2], ARGV[3]) end
return {'wrong', wrong}`;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * The text that carries a pairing code: `/start 482913` (Telegram, console) or `start 482913`
 * (a Slack DM, or `/aurea start 482913`).
 * @returns the six digits, or null when the text is something else
 */
export function pairingCodeIn(text: string): string | null {
  return /^\/?start\s+(\d{6})\s*$/i.exec(text.trim())?.[1] ?? null;
}

/** The pairing codes of every channel, in Redis under `<prefix>:pairing:`. */
export class PairingCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a code is valid, in ms (config `pairing.codeTtl`, default 15 minutes). */
    readonly ttlMs: number,
  ) {}

  /**
   * Issues a fresh six-digit code for a channel; an earlier code of that channel stops working.
   * @returns the code and when it expires
   * @throws when Redis does not answer (ioredis's error)
   */
  async issue(channel: string): Promise<{ code: string; expiresAt: Date }> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.redis.set(this.codeKey(channel), hash(code), 'PX', this.ttlMs);
    return { code, expiresAt: new Date(Date.now() + this.ttlMs) };
  }

  /**
   * How long the channel's current code stays valid, in ms, or 0 when there is none (a code that
   * `aurea init` or `aurea pair` printed before AUREA started is kept, not replaced).
   */
  async remainingMs(channel: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.codeKey(channel)));
  }

  /**
   * Checks a code someone sent, and uses it up when it is right (compare-and-delete in one script).
   * A wrong or expired code counts against the sender; at {@link PAIRING_ATTEMPTS} they are blocked
   * for {@link PAIRING_LOCKOUT_MS}, even with the right code.
   * @throws when Redis does not answer
   */
  async claim(actor: Actor, code: string): Promise<PairingOutcome> {
    const [outcome, attempts] = (await this.redis.eval(
      CLAIM,
      2,
      this.codeKey(actor.platform),
      `${this.prefix}:pairing:wrong:${actor.platform}:${actor.id}`,
      hash(code),
      PAIRING_ATTEMPTS,
      PAIRING_LOCKOUT_MS,
    )) as [PairingOutcome['outcome'], number];
    return { outcome, attempts: Number(attempts) };
  }

  private codeKey(channel: string): string {
    return `${this.prefix}:pairing:code:${channel}`;
  }
}
