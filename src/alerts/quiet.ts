/**
 * Quiet hours (`alerts.quietHours: "22:00-07:00"` in `alerts.tz`): while they last, non-critical
 * alerts wait and arrive afterwards as one summary.
 */

/** A daily window, minutes after local midnight; `start > end` spans midnight. */
export interface QuietHours {
  start: number;
  end: number;
  /** IANA time zone the clock times are in. */
  tz: string;
  /** As configured: `22:00-07:00`. */
  text: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * @param text `HH:MM-HH:MM` (24-hour clock)
 * @throws Error naming the expected form
 */
export function parseQuietHours(text: string, tz: string): QuietHours {
  const [a, b, ...rest] = text.split('-').map((p) => p.trim());
  const start = HHMM.exec(a ?? '');
  const end = HHMM.exec(b ?? '');
  if (!start || !end || rest.length) throw new Error(`"${text}" is not a window; write it like 22:00-07:00`);
  new Intl.DateTimeFormat('en', { timeZone: tz }); // throws RangeError for an unknown zone
  return { start: Number(start[1]) * 60 + Number(start[2]), end: Number(end[1]) * 60 + Number(end[2]), tz, text };
}

/** Minutes after local midnight in `tz`. */
function localMinutes(at: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether `at` falls inside the quiet window (start inclusive, end exclusive). */
export function isQuiet(q: QuietHours | undefined, at = new Date()): boolean {
  if (!q || q.start === q.end) return false;
  const m = localMinutes(at, q.tz);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}
