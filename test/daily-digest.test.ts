/**
 * daily-digest: one morning message with agents, deploys and tasks, model spend, waiting approvals
 * and revenue (from a fake Stripe API), then a chart that arrives through sendPhoto as a real PNG
 * (decoded here: its size and non-blank pixels) with its text summary as the caption.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStripeApi } from './fakes/stripe-api.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';
import { decodePng } from './helpers/png.js';

describe('daily-digest', () => {
  let h: Harness;
  let stripe: FakeStripeApi;

  beforeAll(async () => {
    stripe = await FakeStripeApi.start();
    stripe.addBalanceTransaction('charge', 120_000);
    stripe.addBalanceTransaction('charge', 4_500);
    stripe.addBalanceTransaction('refund', -1_500);
    stripe.addBalanceTransaction('charge', 99_999, 3 * 86_400_000); // older than 24 h: not counted
    h = await Harness.create({ dailyDigest: true, monitorEvery: '1s', env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.apiBase } });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await stripe?.close();
  });

  it('says the day in one message, then sends the spend chart as a PNG with its summary', async () => {
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions WHERE agent_name = 'system-monitor' AND status = 'succeeded'`)).length >= 2, 15_000, 'monitor runs');
    await h.query(`INSERT INTO llm_calls (provider, model, purpose, cost_usd, latency_ms, outcome) VALUES ('anthropic', 'claude-sonnet-5-5', 'conversation', 0.42, 900, 'ok')`);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/run daily-digest'));
    await h.telegram.waitFor(() => h.telegram.photosTo(FOUNDER.id).length > 0, 20_000, 'the chart');

    const digest = h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('☀️ Daily digest'))!.text;
    const lines = digest.split('\n');
    expect(lines[0]).toMatch(/^☀️ Daily digest, \d{4}-\d\d-\d\d$/);
    expect(lines[1]).toMatch(/^Agents \(24 h\): system-monitor (\d+)\/\1 ✓\.$/);
    expect(lines[2]).toBe('Deploys: 0 (0 by /deploy, 0 by tasks). Tasks: 0.');
    expect(lines[3]).toBe('Model spend: today $0.42, this month $0.42.');
    expect(lines[4]).toBe('Approvals waiting: 0.');
    expect(lines[5]).toBe('Revenue (24 h): $1,245.00 USD in 2 payments, $15.00 USD refunded.');

    const [photo] = h.telegram.photosTo(FOUNDER.id);
    expect(photo!.caption).toMatch(/^Model spend per day, last 7 days: (\d\d-\d\d \$\d+\.\d\d, ){6}\d\d-\d\d \$0\.42\.$/);
    const image = decodePng(photo!.png);
    expect(image.width).toBeGreaterThan(800);
    expect(image.width).toBeLessThan(1600);
    expect(image.height).toBeGreaterThan(400);
    // Non-blank: besides the white background there are the bars' blue and the axes' dark pixels.
    const colours = new Set<string>();
    for (let i = 0; i < image.pixels.length; i += image.channels * 7) colours.add(image.pixels.subarray(i, i + 3).toString('hex'));
    expect(colours.has('ffffff')).toBe(true);
    expect(colours.has('4c78a8')).toBe(true);
    expect(colours.size).toBeGreaterThan(5);
  });
});
