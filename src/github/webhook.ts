/**
 * `POST /webhooks/github`: GitHub's webhook deliveries (docs "Validating webhook deliveries"): the
 * raw body's HMAC-SHA256 with GITHUB_WEBHOOK_SECRET must equal `X-Hub-Signature-256`, checked by
 * `@octokit/webhooks` (timing-safe); a missing or bad signature → 401, nothing recorded. Each
 * `X-GitHub-Delivery` is handled once (processed_updates, platform `github`), so a redelivery from
 * GitHub's "Redeliver" button or its retries does nothing twice. Answers 202 at once after handling
 * (GitHub waits 10 s at most); a failed handling → 500 and the delivery is given back for redelivery.
 */
import { readBody } from '../http/body.js';
import { sendJson } from '../http/json.js';
import type { RouteHandler } from '../http/server.js';
import { handleOnce } from '../updates/once.js';
import { handleGithubEvent, type SignalDeps } from './signals.js';

/** GitHub caps webhook payloads at 25 MB; AUREA reads the events it handles, far smaller. */
const MAX_BODY = 5 * 1024 * 1024;


export function githubWebhookRoute(deps: SignalDeps, secret: string): RouteHandler {
  let webhooks: Promise<import('@octokit/webhooks').Webhooks> | undefined;
  return async (req, res) => {
    const verifier = await (webhooks ??= import('@octokit/webhooks').then(({ Webhooks }) => new Webhooks({ secret })));
    const body = await readBody(req, MAX_BODY);
    if (body === null) return sendJson(res, 413, { error: `body over ${MAX_BODY} bytes` });
    const signature = String(req.headers['x-hub-signature-256'] ?? '');
    const text = body.toString('utf8');
    if (!signature || !(await verifier.verify(text, signature).catch(() => false))) {
      deps.log.warn({ delivery: req.headers['x-github-delivery'] }, 'github webhook: bad or missing signature');
      return sendJson(res, 401, { error: 'X-Hub-Signature-256 does not match the body signed with GITHUB_WEBHOOK_SECRET' });
    }
    const event = String(req.headers['x-github-event'] ?? '');
    const delivery = String(req.headers['x-github-delivery'] ?? '');
    if (!event || !delivery) return sendJson(res, 400, { error: 'X-GitHub-Event and X-GitHub-Delivery are required' });
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON (set the webhook content type to application/json)' });
    }
    let done = '';
    try {
      const outcome = await handleOnce(deps.db.pool, 'github', delivery, async () => {
        done = await handleGithubEvent(deps, event, payload as Parameters<typeof handleGithubEvent>[2]);
      });
      if (outcome === 'duplicate') return sendJson(res, 200, { received: true, duplicate: true });
    } catch (err) {
      deps.log.error({ err, delivery, event }, 'github delivery could not be handled; it can be redelivered');
      return sendJson(res, 500, { error: 'the delivery could not be handled; redeliver it later' });
    }
    deps.log.info({ delivery, event, done }, 'github delivery');
    return sendJson(res, 202, { received: true });
  };
}
