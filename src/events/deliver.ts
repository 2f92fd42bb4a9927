/**
 * One delivery attempt: the event as a structured-mode CloudEvent over HTTP (the CloudEvents HTTP
 * binding, `Content-Type: application/cloudevents+json`), signed per the Standard Webhooks spec
 * (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md) with the
 * `standardwebhooks` package: `webhook-id` (the event id: the same on every retry, so a subscriber
 * can drop a repeat), `webhook-timestamp` (this attempt's time, Unix seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`).
 */
import { Webhook } from 'standardwebhooks';
import { cloudEventOf, type OutboxEvent } from './envelope.js';

/** How an attempt ended. `final`: retrying cannot help (410 Gone: the subscriber asks to stop). */
export type Attempt = { ok: true; status: number } | { ok: false; error: string; final: boolean };

/** Redirects are not followed: a signed body goes only where it was configured to go. */
const REDIRECT = 'manual';

/**
 * POSTs one event to one subscriber.
 * @param hook its URL and `whsec_` secret
 * @param instance `events.instance`
 * @param timeoutMs how long it may take to answer
 * @param now the attempt's time (signed as webhook-timestamp)
 * @returns ok on a 2xx answer; otherwise the error (status and the start of the body, or the network error). Never throws.
 */
export async function deliverEvent(hook: { url: string; secret: string }, event: OutboxEvent, instance: string, timeoutMs: number, now = new Date()): Promise<Attempt> {
  const { HTTP } = await import('cloudevents');
  const message = HTTP.structured(await cloudEventOf(event, instance));
  const body = String(message.body);
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const signature = new Webhook(hook.secret).sign(event.event_id, timestamp, body);
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      redirect: REDIRECT,
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': String(message.headers['content-type']),
        'webhook-id': event.event_id,
        'webhook-timestamp': String(timestamp.getTime() / 1000),
        'webhook-signature': signature,
        'user-agent': 'AUREA-events/1',
      },
      body,
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, status: res.status };
    }
    const text = await start(res, 200);
    return { ok: false, error: `HTTP ${res.status}${text ? `: ${text}` : ''}`, final: res.status === 410 };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, error: why, final: false };
  }
}

/** The first `chars` characters of a response's body (an error's reason); the rest is not read. */
async function start(res: Response, chars: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  let text = '';
  const decoder = new TextDecoder();
  try {
    while (text.length < chars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut off mid-way: what arrived is the reason.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.trim().slice(0, chars);
}
