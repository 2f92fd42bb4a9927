/**
 * An agent's schedule: a fixed interval (`every 5m`) or a cron pattern with an optional IANA time
 * zone (`cron 0 8 * * * Europe/Paris`), as BullMQ job schedulers take them (`every` in ms, or
 * `pattern` + `tz`, parsed by cron-parser, the parser BullMQ itself uses).
 */
import { CronExpressionParser } from 'cron-parser';
import { formatDuration, parseDuration } from '../duration.js';
import { AureaError } from '../errors.js';

export type Schedule = { every: number } | { cron: string; tz?: string };

/** What a missed run after downtime becomes: nothing, one catch-up run, or a message to the founders. */
export const MISSED_POLICIES = ['skip', 'once', 'notify'] as const;
export type MissedPolicy = (typeof MISSED_POLICIES)[number];

/** Shortest interval a schedule may have (tests run agents every few hundred ms). */
export const MIN_EVERY_MS = 100;

/** The schedule an agent runs on: the founders' /schedule when they set one, else its default. */
export function effectiveSchedule(agent: { schedule: Schedule }, override: Schedule | null): Schedule {
  return override ?? agent.schedule;
}

/** `every 5m` / `cron 0 8 * * * Europe/Paris` */
export function scheduleText(s: Schedule): string {
  return 'every' in s ? `every ${formatDuration(s.every)}` : `cron ${s.cron}${s.tz ? ` ${s.tz}` : ''}`;
}

/** The BullMQ RepeatOptions of a schedule. */
export function repeatOf(s: Schedule): { every: number } | { pattern: string; tz?: string } {
  return 'every' in s ? { every: s.every } : { pattern: s.cron, ...(s.tz ? { tz: s.tz } : {}) };
}

/**
 * The time between two runs, ms: `every` itself, or for a cron pattern the gap between its next two
 * fire times after `from` (so `0 8 * * *` is 24h, `*\/15 * * * *` is 15m).
 */
export function intervalOf(s: Schedule, from = new Date()): number {
  if ('every' in s) return s.every;
  const it = CronExpressionParser.parse(s.cron, { currentDate: from, ...(s.tz ? { tz: s.tz } : {}) });
  const a = it.next().getTime();
  return it.next().getTime() - a;
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new AureaError('INVALID_ARGUMENTS', `"${tz}" is not a time zone; use an IANA name such as Europe/Paris or UTC.`);
  }
}

/**
 * Checks a schedule as given in aurea.config.yaml, an agent file or /schedule.
 * @throws AureaError INVALID_ARGUMENTS naming what is wrong (an interval under 1s, a cron pattern
 *   cron-parser rejects, an unknown time zone)
 */
export function checkSchedule(s: Schedule): Schedule {
  if ('every' in s) {
    if (!Number.isFinite(s.every) || s.every < MIN_EVERY_MS) throw new AureaError('INVALID_ARGUMENTS', `An agent runs at most every ${formatDuration(MIN_EVERY_MS)}; "every ${formatDuration(s.every)}" is too often.`);
    return s;
  }
  if (s.tz) checkTimeZone(s.tz);
  try {
    CronExpressionParser.parse(s.cron, s.tz ? { tz: s.tz } : {});
  } catch (err) {
    throw new AureaError('INVALID_ARGUMENTS', `"${s.cron}" is not a cron pattern (${(err as Error).message}); e.g. "0 8 * * *" for 08:00 every day.`);
  }
  if (s.cron.trim().split(/\s+/).length < 5) throw new AureaError('INVALID_ARGUMENTS', `"${s.cron}" is not a cron pattern: it needs 5 fields (minute hour day month weekday), e.g. "0 8 * * *".`);
  return s;
}

/** What a time zone looks like after a cron pattern: `Europe/Paris`, `America/Argentina/Salta`, `UTC`. */
const TIME_ZONE = /^(?:UTC|GMT|[A-Za-z]+(?:[_-][A-Za-z]+)*(?:\/[A-Za-z0-9_+-]+)+)$/;

/**
 * Reads `/schedule <agent> …`'s words after the agent name: `every 10m`, or `cron <5 or 6 fields>
 * [time zone]` (quotes around the pattern are allowed).
 * @throws AureaError INVALID_ARGUMENTS with the expected form
 */
export function parseScheduleWords(words: readonly string[]): Schedule {
  const [kind, ...rest] = words;
  const usage = 'Say every <interval> (e.g. every 10m) or cron <pattern> [time zone] (e.g. cron 0 8 * * * Europe/Paris).';
  if (kind === 'every') {
    const every = rest.length === 1 ? parseDuration(rest[0]!) : undefined;
    if (every === undefined) throw new AureaError('INVALID_ARGUMENTS', `"${rest.join(' ')}" is not an interval. ${usage}`);
    return checkSchedule({ every });
  }
  if (kind === 'cron') {
    const fields = rest.join(' ').replace(/["']/g, '').trim().split(/\s+/).filter(Boolean);
    const tz = fields.length > 5 && TIME_ZONE.test(fields.at(-1)!) ? fields.pop() : undefined;
    if (fields.length < 5) throw new AureaError('INVALID_ARGUMENTS', `A cron pattern has 5 fields (minute hour day month weekday). ${usage}`);
    return checkSchedule({ cron: fields.join(' '), ...(tz ? { tz } : {}) });
  }
  throw new AureaError('INVALID_ARGUMENTS', usage);
}
