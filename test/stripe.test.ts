/**
 * Stripe: `POST /webhooks/stripe` verified by the official SDK on the raw body, each event handled
 * once, the events that matter becoming alerts, the rest acknowledged; `/refund` only through an
 * approval, carried out by the SDK against a fake Stripe API (STRIPE_API_BASE).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStripeApi } from './fakes/stripe-api.js';
import { FOUNDER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

const WEBHOOK_SECRET = 'whsec_aureaTestEndpointSecret';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/stripe/${name}.json`, import.meta.url), 'utf8'));

/** A current-shape event: the docs' envelope around a fixture object. */
function event(id: string, type: string, object: Record<string, unknown>): string {
  const envelope = fixture('event_object_example_setup_intent_created');
  return JSON.stringify({ ...envelope, id, type, created: Math.floor(Date.now() / 1000), data: { object } }, null, 2);
}

/** The Stripe-Signature header for `body` (docs.stripe.com/webhooks#verify-manually: HMAC-SHA256 of `t.body`). */
function sign(body: string, secret = WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

describe('Stripe webhook signature (the SDK test vector)', () => {
  it("stripe-node's own test payload and secret: the header we compute is the SDK's, and constructEvent accepts it", () => {
    // stripe-node test/Webhook.spec.ts: EVENT_PAYLOAD and SECRET, signed at a fixed time.
    const payload = JSON.stringify({ id: 'evt_test_webhook', object: 'event' }, null, 2);
    const secret = 'whsec_test_secret';
    const timestamp = 1_700_000_000;
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
    expect(header).toBe(sign(payload, secret, timestamp));
    expect(Stripe.webhooks.constructEvent(payload, header, secret, 300, undefined, (timestamp + 299) * 1000).id).toBe('evt_test_webhook');
    expect(() => Stripe.webhooks.constructEvent(payload, header, secret, 300, undefined, (timestamp + 301) * 1000)).toThrow('Timestamp outside the tolerance zone');
  });
});

describe('Stripe: webhooks and /refund', () => {
  let h: Harness;
  let stripe: FakeStripeApi;
  const messages = () => h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
  const post = (body: string, signature: string) =>
    fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, body });
  const alerts = () => h.query<{ severity: string; message: string }>(`SELECT severity, message FROM ai_system_alerts WHERE source = 'stripe' ORDER BY id`);

  beforeAll(async () => {
    stripe = await FakeStripeApi.start();
    h = await Harness.create({ env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.apiBase } });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await stripe?.close();
  });

  it('a tampered body, a wrong secret, an old timestamp or no header → 400 and nothing recorded', async () => {
    const body = readFileSync(new URL('./fixtures/stripe/invoice.payment_failed.json', import.meta.url), 'utf8');
    const tampered = await post(body.replace('"amount_due": 1000', '"amount_due": 1'), sign(body));
    expect(tampered.status).toBe(400);
    expect(((await tampered.json()) as { error: string }).error).toMatch(/^No signatures found matching the expected signature for payload/);
    expect((await post(body, sign(body, 'whsec_someoneElsesSecret'))).status).toBe(400);
    const old = await post(body, sign(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301));
    expect(old.status).toBe(400);
    expect(((await old.json()) as { error: string }).error).toBe('Timestamp outside the tolerance zone');
    expect((await post(body, '')).status).toBe(400);
    expect(await h.query(`SELECT 1 FROM processed_updates WHERE platform = 'stripe'`)).toEqual([]);
    expect(await alerts()).toEqual([]);
  });

  it('real event bodies become alerts with severity; the same event twice alerts once; other types are acknowledged', async () => {
    // stripe-java's sample events all carry evt_00000000000000: each gets its own id here.
    const legacy = (name: string) => readFileSync(new URL(`./fixtures/stripe/${name}.json`, import.meta.url), 'utf8').replace('"evt_00000000000000"', `"evt_legacy_${name.replace(/\W/g, '_')}"`);
    const failed = legacy('invoice.payment_failed');
    expect((await post(failed, sign(failed))).status).toBe(200);
    const again = await post(failed, sign(failed));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    const deleted = legacy('customer.subscription.deleted');
    expect((await post(deleted, sign(deleted))).status).toBe(200);
    const dispute = event('evt_1Dispute', 'charge.dispute.created', fixture('dispute'));
    expect((await post(dispute, sign(dispute))).status).toBe(200);
    const big = event('evt_1BigPayment', 'payment_intent.succeeded', { ...fixture('payment_intent'), amount: 250_000, amount_received: 250_000, status: 'succeeded', receipt_email: 'cfo@example.com' });
    expect((await post(big, sign(big))).status).toBe(200);
    const small = event('evt_1SmallPayment', 'payment_intent.succeeded', { ...fixture('payment_intent'), amount_received: 1099, status: 'succeeded' });
    expect((await post(small, sign(small))).status).toBe(200);
    const other = JSON.stringify(fixture('event_object_example_setup_intent_created'));
    const ignored = await post(other, sign(other));
    expect(await ignored.json()).toEqual({ received: true });

    expect(await alerts()).toEqual([
      { severity: 'warning', message: 'Invoice payment failed: $10.00 USD from cus_00000000000000 (in_00000000000000).' },
      { severity: 'warning', message: 'Subscription canceled: cus_00000000000000 (Annual, $276.00 USD/year).' },
      { severity: 'critical', message: 'Dispute opened on ch_1PgafuB7WZ01zgkWXYmPNZs8: $10.00 USD, reason general. Answer it in the Stripe dashboard before the evidence deadline.' },
      { severity: 'info', message: '💰 Payment of $2,500.00 USD from cfo@example.com (pi_1PgafyB7WZ01zgkWSjxsAJo3).' },
    ]);
    await h.telegram.waitFor(() => messages().some((t) => t.startsWith('🟢 💰 Payment of $2,500.00 USD')), 10_000, 'the payment alert');
    expect(messages().filter((t) => t.includes('Invoice payment failed'))).toEqual(['🟠 Invoice payment failed: $10.00 USD from cus_00000000000000 (in_00000000000000).']);
    expect(messages().some((t) => t.startsWith('🔴 Dispute opened on ch_1PgafuB7WZ01zgkWXYmPNZs8'))).toBe(true);
    const seen = await h.query<{ update_id: string }>(`SELECT update_id FROM processed_updates WHERE platform = 'stripe' ORDER BY update_id`);
    expect(seen.map((r) => r.update_id)).toHaveLength(6);
  });

  it('/refund checks the charge with Stripe, asks for approval, and refunds once on 💸 Refund', async () => {
    stripe.addCharge('ch_3PqAurea01', 5_000, 'ada@example.com');
    const say = async (text: string) => {
      const before = h.telegram.messagesTo(FOUNDER.id).length;
      h.telegram.pushUpdate(textUpdate(FOUNDER, text));
      return h.telegram.nthMessage(FOUNDER.id, before + 1);
    };
    expect(await say('/refund ch_3PqMissing')).toMatch(/^Stripe could not find charge ch_3PqMissing: .*No such charge: 'ch_3PqMissing'/);
    expect(await say('/refund ch_3PqAurea01 60')).toBe('Charge ch_3PqAurea01 has $50.00 USD left to refund; $60.00 USD is more than that.');
    expect(await say('/refund ch_3PqAurea01 twelve')).toBe('"twelve" is not an amount; write it like 12.50.');
    expect(await h.query(`SELECT 1 FROM approvals WHERE kind = 'refund'`)).toEqual([]);

    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/refund ch_3PqAurea01 12.50'));
    await h.telegram.waitFor(() => messages().some((t) => t.startsWith('Refund $12.50 USD of ch_3PqAurea01?')), 10_000, 'the approval');
    const request = h.telegram.messagesTo(FOUNDER.id).slice(before).find((m) => m.text.startsWith('Refund $12.50 USD of ch_3PqAurea01?'))!;
    expect(request.text).toBe('Refund $12.50 USD of ch_3PqAurea01?\nThe charge was $50.00 USD from ada@example.com. Requested by Ada Founder.\n\n⏳ Waiting for a founder to decide');
    expect(request.buttons.map((b) => b.text)).toEqual(['💸 Refund', '✋ Keep']);
    expect(stripe.refunds()).toEqual([]);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, request.buttons[0]!.callback_data, request));
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, request.buttons[0]!.callback_data, request));
    await h.telegram.waitFor(() => messages().some((t) => t.startsWith('💸 Refunded')), 10_000, 'refunded');
    expect(messages().filter((t) => t.startsWith('💸 Refunded'))).toEqual(['💸 Refunded $12.50 USD of ch_3PqAurea01 (re_fake1, succeeded), approved by Ada Founder.']);
    expect(stripe.refunds()).toMatchObject([{ charge: 'ch_3PqAurea01', amount: 1250 }]);
    expect(stripe.calls.filter((c) => c.path === '/v1/refunds').map((c) => c.idempotencyKey)).toEqual([expect.stringMatching(/^aurea-refund-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)]);
    expect(await h.query(`SELECT action, target FROM audit_log WHERE action = 'stripe.refunded'`)).toEqual([{ action: 'stripe.refunded', target: 'charge:ch_3PqAurea01' }]);
  });
});
