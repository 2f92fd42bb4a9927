/**
 * Claiming the bot with a one-time pairing code, instead of hunting for a numeric user id: AUREA
 * prints `send "/start K7QX2M9P" to @your_bot within 15 minutes`, and the first person who sends it
 * becomes a founder. Codes live in Redis (every process, and `aurea pair` while AUREA runs, see the
 * same code), hashed, one per channel, with an expiry; a claim compares and deletes in one script,
 * so a code makes one founder. Five wrong codes from one person block them for an hour, and twenty
 * wrong codes from anyone pause pairing for an hour (user ids cost nothing to make, so a per-person
 * limit alone would not stop guessing).
 */
import { createHash, randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Actor } from '../actor.js';

/** Wrong codes one person may send before they are blocked. */
export const PAIRING_ATTEMPTS = 5;
/** Wrong codes from everyone together before pairing pauses. */
export const PAIRING_ATTEMPTS_ALL = 20;
/** How long a person who sent {@link PAIRING_ATTEMPTS} wrong codes is blocked, and pairing pauses after {@link PAIRING_ATTEMPTS_ALL} (1 hour). */
export const PAIRING_LOCKOUT_MS = 3_600_000;

/** The characters of a code: digits and capitals without the look-alikes 0/O and 1/I/L. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Characters in a code: 31^8 ≈ 8.5 × 10^11 codes, so 20 guesses an hour never find one. */
export const CODE_LENGTH = 8;

/**
 * What a claim came to. `attempts` counts this person's wrong codes in the current hour, `all`
 * everyone's; `paused`: pairing is paused for everyone (the right code is refused too).
 */
export type PairingOutcome = { outcome: 'accepted' | 'wrong' | 'blocked' | 'paused'; attempts: number; all: number };

// KEYS: the channel's code, this person's wrong-code counter, everyone's wrong-code counter.
// ARGV: code hash, attempts allowed per person, attempts allowed in all, lockout ms.
const CLAIM = `
local all = tonumber(redis.call('get', KEYS[3]) or '0')
local wrong = tonumber(redis.call('get', KEYS[2]) or '0')
if all >= tonumber(ARGV[3]) then return {'paused', wrong, all} end
if wrong >= tonumber(ARGV[2]) then return {'blocked', wrong, all} end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  return {'accepted', wrong, all}
end
wrong = redis.call('incr', KEYS[2])
if wrong == 1 or wrong >= tonumber(ARGV[2]) then redis.call('pexpire', KEYS[2], ARGV[4]) end
all = redis.call('incr', KEYS[3])
if all == 1 or all >= tonumber(ARGV[3]) then redis.call('pexpire', KEYS[3], ARGV[4]) end
return {'wrong', wrong, all}`;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * The text that carries a pairing code: `/start K7QX2M9P` (Telegram, console) or `start K7QX2M9P`
 * (a Slack DM, or `/aurea start K7QX2M9P`); letters in any case.
 * @returns the code in capitals, or null when the text is something else
 */
export function pairingCodeIn(text: string): string | null {
  return new RegExp(`^\\/?start\\s+([A-Za-z0-9]{${CODE_LENGTH}})\\s*$`, 'i').exec(text.trim())?.[1]?.toUpperCase() ?? null;
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
   * Issues a fresh code for a channel ({@link CODE_LENGTH} characters); an earlier code of that channel stops working.
   * @returns the code and when it expires
   * @throws when Redis does not answer (ioredis's error)
   */
  async issue(channel: string): Promise<{ code: string; expiresAt: Date }> {
    const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
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
   * A wrong or expired code counts against the sender and against everyone: at
   * {@link PAIRING_ATTEMPTS} the sender is blocked, at {@link PAIRING_ATTEMPTS_ALL} pairing pauses,
   * each for {@link PAIRING_LOCKOUT_MS}, even with the right code.
   * @throws when Redis does not answer
   */
  async claim(actor: Actor, code: string): Promise<PairingOutcome> {
    const [outcome, attempts, all] = (await this.redis.eval(
      CLAIM,
      3,
      this.codeKey(actor.platform),
      `${this.prefix}:pairing:wrong:${actor.platform}:${actor.id}`,
      `${this.prefix}:pairing:wrong-all`,
      hash(code.toUpperCase()),
      PAIRING_ATTEMPTS,
      PAIRING_ATTEMPTS_ALL,
      PAIRING_LOCKOUT_MS,
    )) as [PairingOutcome['outcome'], number, number];
    return { outcome, attempts: Number(attempts), all: Number(all) };
  }

  private codeKey(channel: string): string {
    return `${this.prefix}:pairing:code:${channel}`;
  }
}
