import type { Core } from '../core.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/json.js';
import type { RouteHandler } from '../http/server.js';
import { handleOnce } from '../updates/once.js';
import { alertOf, paymentEventOf, type StripeEventLike } from './events.js';
import { audit } from '../audit/log.js';
import type { Actor } from '../actor.js';

/** Who a payment.* audit row (and event) names: Stripe, which reported it. */
const STRIPE_ACTOR: Actor = { platform: 'system', id: 'stripe', name: 'Stripe' };

/** Stripe's default signature tolerance (stripe-node `DEFAULT_TOLERANCE`): a signed timestamp older than this is refused. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/** Stripe sends events up to 512 KB; more is refused unread. */
const MAX_BODY = 1024 * 1024;


/**
 * `POST /webhooks/stripe`: verifies the `Stripe-Signature` header on the raw body with the official
 * SDK (`Stripe.webhooks.constructEvent`, tolerance 300 s) and the endpoint's STRIPE_WEBHOOK_SECRET;
 * a bad signature, a wrong secret or an old timestamp → 400 with the SDK's reason, nothing recorded.
 * Each `event.id` is handled once (processed_updates, platform `stripe`); events that matter become
 * alerts (src/stripe/events.ts), the rest are acknowledged and ignored. Answers 200 `{received:true}`;
 * when handling fails (the alert could not be stored), 500 and the event is given back, so Stripe's
 * retry (it retries for up to three days) handles it.
 */
export function stripeWebhookRoute(core: Pick<Core, 'config' | 'db' | 'alerts' | 'log'>, secret: string): RouteHandler {
  // The SDK is loaded when the route is first used (only configured with STRIPE_WEBHOOK_SECRET).
  let sdk: Promise<typeof import('stripe')> | undefined;
  return async (req, res) => {
    const { default: Stripe } = await (sdk ??= import('stripe'));
    const body = await readBody(req, MAX_BODY);
    if (body === null) return sendJson(res, 413, { error: `body over ${MAX_BODY} bytes` });
    let event: StripeEventLike;
    try {
      event = Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature'] ?? ''), secret, STRIPE_TOLERANCE_SECONDS) as unknown as StripeEventLike;
    } catch (err) {
      core.log.warn({ reason: (err as Error).message }, 'stripe webhook refused');
      return sendJson(res, 400, { error: (err as Error).message });
    }
    if (typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object') return sendJson(res, 400, { error: 'not a Stripe event' });
    const alert = alertOf(event, core.config.stripe.bigPaymentUsd);
    let outcome: 'handled' | 'duplicate';
    try {
      outcome = await handleOnce(core.db.pool, 'stripe', event.id, async () => {
        const payment = paymentEventOf(event);
        if (payment) await audit(core.db.pool, STRIPE_ACTOR, payment.action, payment.target, payment.details);
        if (alert) await core.alerts.raise(alert);
      });
    } catch (err) {
      core.log.error({ err, event: event.id, type: event.type }, 'stripe event could not be handled; Stripe will retry it');
      return sendJson(res, 500, { error: 'the event could not be handled; retry later' });
    }
    if (outcome === 'duplicate') return sendJson(res, 200, { received: true, duplicate: true });
    core.log.info({ event: event.id, type: event.type, alerted: Boolean(alert) }, 'stripe event');
    return sendJson(res, 200, { received: true });
  };
}
