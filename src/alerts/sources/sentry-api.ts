/**
 * What Diagnose reads from Sentry's API about an issue: its latest event's exception and the top of
 * its stack trace. `GET /api/0/issues/{issue_id}/events/latest/` ("Retrieve the Latest Event for
 * an Issue", docs.sentry.io/api/events/retrieve-the-latest-event-for-an-issue/; scope event:read),
 * with `SENTRY_TOKEN` as the bearer token, at `SENTRY_API_URL` (default https://sentry.io).
 */
import { z } from 'zod';
import { describeError } from '../../errors.js';

const frame = z.object({ function: z.string().nullable().optional(), filename: z.string().nullable().optional(), absPath: z.string().nullable().optional(), lineNo: z.number().nullable().optional(), inApp: z.boolean().nullable().optional() });
const latestEvent = z.object({
  title: z.string().optional(),
  entries: z.array(z.object({ type: z.string(), data: z.unknown() })).default([]),
});
const exceptionData = z.object({ values: z.array(z.object({ type: z.string().nullable().optional(), value: z.string().nullable().optional(), stacktrace: z.object({ frames: z.array(frame).default([]) }).nullable().optional() })).default([]) });

/** How many frames Diagnose shows: the innermost (where it was thrown) first. */
export const TOP_FRAMES = 5;

/**
 * The latest event of a Sentry issue as evidence lines: `ForbiddenError: GET … 403`, then up to
 * {@link TOP_FRAMES} frames, innermost first (`at apply (…/PublisherMethods.js:74)`). Sentry lists
 * frames outermost first, so the top of the stack is the end of the list.
 * @param api the API root and token
 * @param issueId Sentry's issue id (digits)
 * @returns the lines, or one line saying why there are none (never throws)
 */
export async function sentryStackTop(api: { url: string; token: string }, issueId: string, timeoutMs = 10_000): Promise<string> {
  if (!/^\d+$/.test(issueId)) return `Sentry: "${issueId}" is not an issue id.`;
  try {
    const res = await fetch(`${api.url}/api/0/issues/${issueId}/events/latest/`, { headers: { authorization: `Bearer ${api.token}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return `Sentry: the latest event of issue ${issueId} could not be read (HTTP ${res.status}${res.status === 401 || res.status === 403 ? ': SENTRY_TOKEN needs the event:read scope' : ''}).`;
    const event = latestEvent.parse(await res.json());
    const exception = event.entries.find((e) => e.type === 'exception');
    const parsed = exception ? exceptionData.safeParse(exception.data) : null;
    const values = parsed?.success ? parsed.data.values : [];
    const last = values.at(-1);
    if (!last) return `Sentry latest event: ${event.title ?? '(no title)'} (no stack trace)`;
    const frames = (last.stacktrace?.frames ?? []).slice(-TOP_FRAMES).reverse();
    const at = frames.map((f) => `  at ${f.function ?? '?'} (${f.filename ?? f.absPath ?? '?'}${f.lineNo ? `:${f.lineNo}` : ''})${f.inApp ? ' [app]' : ''}`);
    return [`Sentry latest event: ${last.type ?? 'Error'}: ${last.value ?? ''}`.trimEnd(), ...at].join('\n');
  } catch (err) {
    return `Sentry: the latest event of issue ${issueId} could not be read (${describeError(err)}).`;
  }
}
