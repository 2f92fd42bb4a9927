import type { NewAlert } from '../alerts/service.js';
import { money } from './client.js';

/** The part of a Stripe event AUREA reads (current API shape; the legacy shape has the same fields). */
export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: Record<string, any> };
}

/**
 * The payment.* event a Stripe event is, if any (README "Events"): `payment.succeeded`
 * (payment_intent.succeeded, any amount), `payment.failed` (invoice.payment_failed),
 * `payment.disputed` (charge.dispute.created, legacy charge.disputed), `payment.subscription_canceled`
 * (customer.subscription.deleted), `payment.refunded` (charge.refunded).
 * @returns the audit action and its details (ids, amount in the currency's minor unit, currency; no personal data), or null
 */
export function paymentEventOf(event: StripeEventLike): { action: string; target: string; details: Record<string, unknown> } | null {
  const o = event.data.object;
  const action = (
    {
      'payment_intent.succeeded': 'payment.succeeded',
      'invoice.payment_failed': 'payment.failed',
      'charge.dispute.created': 'payment.disputed',
      'charge.disputed': 'payment.disputed',
      'customer.subscription.deleted': 'payment.subscription_canceled',
      'charge.refunded': 'payment.refunded',
    } as Record<string, string>
  )[event.type];
  if (!action) return null;
  const amount = o.amount_received ?? o.amount_due ?? o.amount_refunded ?? o.amount ?? null;
  const customer = typeof o.customer === 'string' ? o.customer : (o.customer?.id ?? null);
  return { action, target: `stripe:${o.id ?? event.id}`, details: { stripeEvent: event.id, stripeType: event.type, amount: amount === null ? null : Number(amount), currency: o.currency ?? null, customer } };
}

const who = (o: Record<string, any>) => o.customer_email ?? o.receipt_email ?? o.billing_details?.email ?? (typeof o.customer === 'string' ? o.customer : o.customer?.id) ?? 'an unknown customer';

/**
 * What a Stripe event means for the founders (Stripe event types: docs.stripe.com/api/events/types):
 * - `payment_intent.succeeded` above `stripe.bigPaymentUsd` (USD payments only) → info
 * - `invoice.payment_failed` → warning
 * - `charge.dispute.created` (and its legacy name `charge.disputed`) → critical
 * - `customer.subscription.deleted` → warning
 * @returns the alert, or null for events that need no one's attention (acknowledged and ignored)
 */
export function alertOf(event: StripeEventLike, bigPaymentUsd: number): NewAlert | null {
  const o = event.data.object;
  const source = 'stripe';
  const details = { event: event.id, type: event.type, object: o.id ?? null };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const amount = Number(o.amount_received ?? o.amount ?? 0);
      if (String(o.currency).toLowerCase() !== 'usd' || amount / 100 < bigPaymentUsd) return null;
      return { severity: 'info', source, message: `💰 Payment of ${money(amount, o.currency)} from ${who(o)} (${o.id}).`, details };
    }
    case 'invoice.payment_failed': {
      const attempt = Number(o.attempt_count ?? 0);
      return {
        severity: 'warning',
        source,
        message: `Invoice payment failed: ${money(Number(o.amount_due ?? 0), o.currency ?? 'usd')} from ${who(o)} (${o.id}${attempt ? `, attempt ${attempt}` : ''}).`,
        details,
      };
    }
    case 'charge.dispute.created':
    case 'charge.disputed': {
      const charge = typeof o.charge === 'string' ? o.charge : o.id;
      return {
        severity: 'critical',
        source,
        message: `Dispute opened on ${charge}: ${money(Number(o.amount ?? 0), o.currency ?? 'usd')}${o.reason ? `, reason ${o.reason}` : ''}. Answer it in the Stripe dashboard before the evidence deadline.`,
        details,
      };
    }
    case 'customer.subscription.deleted': {
      const plan = o.plan ?? o.items?.data?.[0]?.plan;
      const what = plan ? ` (${plan.nickname ?? plan.name ?? plan.id}, ${money(Number(plan.amount ?? 0), plan.currency ?? 'usd')}/${plan.interval ?? 'period'})` : '';
      return { severity: 'warning', source, message: `Subscription canceled: ${who(o)}${what}.`, details };
    }
    default:
      return null;
  }
}
