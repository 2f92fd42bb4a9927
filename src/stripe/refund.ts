import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { Actor } from '../actor.js';
import { z } from 'zod';
import { defineApprovalKind } from '../approvals/kind.js';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { AureaError, describeError } from '../errors.js';
import { money } from './client.js';

/**
 * A refund of a Stripe charge (`/refund`): pinned to the charge, the amount in minor units (cents)
 * and the currency the request showed. Approving it refunds exactly that, once: `refunds.create`
 * with an idempotency key made of the approval's UUID (a key made of a database sequence number
 * would repeat after a database reset, and Stripe would answer it with an old refund for 24 hours).
 */
export const REFUND_APPROVAL = defineApprovalKind({
  kind: 'refund',
  payload: z.strictObject({ charge: z.string().regex(/^(ch|py)_[A-Za-z0-9]+$/), amount: z.number().int().positive(), currency: z.string().min(3) }),
  async resume(approval, decider, core: Pick<Core, 'stripe' | 'broadcaster' | 'db' | 'log'>) {
    if (approval.status !== 'approved') return;
    const p = approval.payload;
    const what = `${money(p.amount, p.currency)} of ${p.charge}`;
    try {
      const refund = await requireStripe(core.stripe).refunds.create({ charge: p.charge, amount: p.amount }, { idempotencyKey: `aurea-refund-${approval.id}` });
      await audit(core.db.pool, decider, 'stripe.refunded', `charge:${p.charge}`, { refund: refund.id, amount: p.amount, currency: p.currency });
      await core.broadcaster.broadcast({ text: `💸 Refunded ${what} (${refund.id}, ${refund.status}), approved by ${decider.name}.` });
    } catch (err) {
      core.log.warn({ err, charge: p.charge }, 'refund failed');
      await core.broadcaster.broadcast({ text: `❌ The refund of ${what} failed: ${describeError(err)}. Nothing was refunded.` });
    }
  },
  answer: (a) => (a.status === 'approved' ? 'Refunding…' : 'Kept: nothing refunded.'),
});

/** `12`, `12.5`, `12.50` → 1250 (minor units of a two-decimal currency). @returns null for anything else */
export function parseAmount(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/^\$/, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

function requireStripe(stripe: Stripe | null): Stripe {
  if (!stripe) throw new AureaError('STRIPE_UNAVAILABLE', 'Refunds need Stripe: set STRIPE_SECRET_KEY (a restricted key with write access to refunds is enough) and restart.');
  return stripe;
}

/**
 * Asks the founders to approve refunding `amount` (default: what is left) of a charge, after
 * checking with Stripe that the charge exists and has that much left to refund.
 * @throws AureaError INVALID_ARGUMENTS (unknown charge, amount too large or malformed), STRIPE_UNAVAILABLE
 */
export async function requestRefund(core: Pick<Core, 'config' | 'approvals' | 'stripe'>, actor: Actor, chargeId: string, amountText?: string): Promise<string> {
  const stripe = requireStripe(core.stripe);
  if (!/^(ch|py)_[A-Za-z0-9]+$/.test(chargeId)) throw new AureaError('INVALID_ARGUMENTS', `"${chargeId}" is not a charge id; they look like ch_3Pq…, as in the Stripe dashboard.`);
  let charge: Stripe.Charge;
  try {
    charge = await stripe.charges.retrieve(chargeId);
  } catch (err) {
    throw new AureaError('INVALID_ARGUMENTS', `Stripe could not find charge ${chargeId}: ${describeError(err)}`);
  }
  const left = charge.amount - (charge.amount_refunded ?? 0);
  const amount = amountText === undefined ? left : parseAmount(amountText);
  if (amount === null || amount <= 0) throw new AureaError('INVALID_ARGUMENTS', `"${amountText}" is not an amount; write it like 12.50.`);
  if (amount > left) throw new AureaError('INVALID_ARGUMENTS', `Charge ${chargeId} has ${money(left, charge.currency)} left to refund; ${money(amount, charge.currency)} is more than that.`);
  await core.approvals.request(REFUND_APPROVAL, {
    threadId: `refund:${randomUUID()}`,
    requestedBy: actor,
    expiresInMs: core.config.deploy.approvalTimeoutMs,
    payload: { charge: chargeId, amount, currency: charge.currency },
    title: `Refund ${money(amount, charge.currency)} of ${chargeId}?`,
    text: `The charge was ${money(charge.amount, charge.currency)}${charge.billing_details?.email ? ` from ${charge.billing_details.email}` : ''}${charge.amount_refunded ? `, ${money(charge.amount_refunded, charge.currency)} already refunded` : ''}. Requested by ${actor.name}.`,
    labels: { approve: '💸 Refund', reject: '✋ Keep' },
  });
  return money(amount, charge.currency);
}
