/**
 * revenue-report: the last 24 h of Stripe balance transactions (from a fake Stripe API through the
 * official SDK) against the 7 days before, refunds and disputes, with a chart through sendPhoto; and
 * `agents.revenue-report.at` as its daily time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revenueReport } from '../jobs/agents/revenue-report.js';
import { agentCatalog } from '../jobs/schedules.js';
import { FakeStripeApi } from './fakes/stripe-api.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';
import { decodePng } from './helpers/png.js';

const DAY = 86_400_000;

describe('revenue-report', () => {
  let h: Harness;
  let stripe: FakeStripeApi;

  beforeAll(async () => {
    stripe = await FakeStripeApi.start();
    for (let d = 1; d <= 7; d++) stripe.addBalanceTransaction('charge', 10_000, d * DAY + 3_600_000);
    stripe.addBalanceTransaction('charge', 120_000, 2 * 3_600_000);
    stripe.addBalanceTransaction('charge', 4_500, 3 * 3_600_000);
    stripe.addBalanceTransaction('refund', -1_500, 4 * 3_600_000);
    stripe.addBalanceTransaction('adjustment', -10_000, 5 * 3_600_000, 'dispute');
    h = await Harness.create({ revenueReport: true, env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.apiBase } });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await stripe?.close();
  });

  it('compares the last 24 h with the 7-day average, counts refunds and disputes, and sends the chart', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run revenue-report'));
    await h.telegram.waitFor(() => h.telegram.photosTo(FOUNDER.id).length > 0, 20_000, 'the chart');
    const report = h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('💵 Revenue'))!.text;
    expect(report).toMatch(/^💵 Revenue, \d{4}-\d\d-\d\d\nPayments \(24 h\): \$1,245\.00 USD in 2 payments, \+1145% on the 7-day average of \$100\.00 USD\/day\.\nRefunds: \$15\.00 USD\. Disputes: 1 \(\$100\.00 USD\)\.$/);
    const [photo] = h.telegram.photosTo(FOUNDER.id);
    expect(photo!.caption).toMatch(/^Payments per day, last 8 days: (\d\d-\d\d \$100\.00 USD, ){7}\d\d-\d\d \$1,245\.00 USD\.$/);
    expect(decodePng(photo!.png).width).toBeGreaterThan(800);
    expect(stripe.calls.filter((c) => c.path === '/v1/balance_transactions')).toHaveLength(1);
  });

  it('agents.revenue-report.at sets its daily time in its time zone', () => {
    const { info } = agentCatalog({ agents: { 'revenue-report': { at: '07:30', tz: 'Europe/Paris', enabled: true, missed: 'once' } } }, [revenueReport]);
    expect(info[0]!.schedule).toEqual({ cron: '30 7 * * *', tz: 'Europe/Paris' });
  });
});
