/**
 * revenue-report (daily at `agents.revenue-report.at`, default 08:00, in `tz`): Stripe's balance
 * transactions of the last 24 h against the daily average of the 7 days before: payments, refunds
 * and disputes (by each transaction's `reporting_category`), in the account's main currency, with
 * a chart of the payments per day. Without STRIPE_SECRET_KEY it says so in its run and sends nothing.
 */
import type Stripe from 'stripe';
import { z } from 'zod';
import { barSpec, renderChart } from '../../src/charts/render.js';
import { money } from '../../src/stripe/client.js';
import { defineAgent } from './kit.js';

const DAY_MS = 86_400_000;
/** Balance transactions read per run (Stripe pages hold at most 100). */
const MAX_TRANSACTIONS = 1_000;

type Kind = 'payment' | 'refund' | 'dispute' | 'other';

/** What a balance transaction is, by its reporting category (docs.stripe.com/reports/reporting-categories), else its type. */
export function kindOf(t: Pick<Stripe.BalanceTransaction, 'type' | 'reporting_category'>): Kind {
  const c = t.reporting_category ?? t.type;
  if (c === 'charge' || c === 'payment') return 'payment';
  if (c === 'refund' || c === 'payment_refund' || c === 'refund_failure') return 'refund';
  if (c === 'dispute' || c === 'dispute_reversal') return 'dispute';
  return 'other';
}

export const revenueReport = defineAgent({
  name: 'revenue-report',
  description: "Yesterday's Stripe payments, refunds and disputes against the 7-day average, with a chart",
  schedule: { cron: '0 8 * * *', tz: 'UTC' },
  payload: z.strictObject({}),
  async run(ctx) {
    const stripe = ctx.reports.stripe;
    if (!stripe) return { summary: 'Stripe is not configured (STRIPE_SECRET_KEY); nothing reported', output: {} };
    const now = Date.now();
    const since = Math.floor((now - 8 * DAY_MS) / 1000);
    const txns: Stripe.BalanceTransaction[] = [];
    for await (const t of stripe.balanceTransactions.list({ created: { gte: since }, limit: 100 })) {
      txns.push(t);
      if (txns.length >= MAX_TRANSACTIONS) break;
    }
    const volume = new Map<string, number>();
    for (const t of txns) volume.set(t.currency, (volume.get(t.currency) ?? 0) + Math.abs(t.amount));
    const currency = [...volume].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'usd';
    const days = Array.from({ length: 8 }, (_, i) => ({ start: now - (8 - i) * DAY_MS, payments: 0, count: 0, refunds: 0, disputes: 0, disputed: 0 }));
    for (const t of txns.filter((x) => x.currency === currency)) {
      const d = days.find((day) => t.created * 1000 >= day.start && t.created * 1000 < day.start + DAY_MS);
      if (!d) continue;
      const kind = kindOf(t);
      if (kind === 'payment') {
        d.payments += t.amount;
        d.count++;
      } else if (kind === 'refund') d.refunds += -t.amount;
      else if (kind === 'dispute') {
        d.disputes++;
        d.disputed += -t.amount;
      }
    }
    const today = days.at(-1)!;
    const average = days.slice(0, 7).reduce((n, d) => n + d.payments, 0) / 7;
    const change = average > 0 ? `, ${today.payments >= average ? '+' : ''}${Math.round(((today.payments - average) / average) * 100)}% on the 7-day average of ${money(Math.round(average), currency)}/day` : '';
    const text = [
      `Payments (24 h): ${money(today.payments, currency)} in ${today.count} payment${today.count === 1 ? '' : 's'}${change}.`,
      `Refunds: ${money(today.refunds, currency)}. Disputes: ${today.disputes}${today.disputes ? ` (${money(today.disputed, currency)})` : ''}.`,
      ...(volume.size > 1 ? [`Other currencies (${[...volume.keys()].filter((c) => c !== currency).join(', ')}) are not in these figures.`] : []),
    ].join('\n');
    const day = new Date(now).toISOString().slice(0, 10);
    await ctx.broadcaster.broadcast({ title: `💵 Revenue, ${day}`, text });
    const labels = days.map((d) => new Date(d.start + DAY_MS).toISOString().slice(5, 10));
    const chart = await renderChart(barSpec({ title: `Payments per day (${currency.toUpperCase()})`, xTitle: 'day ending (UTC)', yTitle: currency.toUpperCase(), points: days.map((d, i) => ({ x: labels[i]!, y: d.payments / 100 })) }));
    await ctx.broadcaster.broadcastPhoto({ png: chart.png, filename: `revenue-${day}.png`, caption: `Payments per day, last 8 days: ${days.map((d, i) => `${labels[i]} ${money(d.payments, currency)}`).join(', ')}.` });
    return { summary: text.split('\n')[0]!, output: { currency, today, average } };
  },
});
