/**
 * daily-digest (08:00 UTC unless configured): one morning message to every founder chat: the agents'
 * success over the last 24 h, deploys and tasks, model spend against the budget, approvals still
 * waiting, and the revenue line (Stripe's balance transactions of the last 24 h, when a key is set),
 * and the outgoing events parked in the last 24 h per webhook, if any;
 * then a chart of the model spend per day over the last 7 days (PNG; the console gets its text).
 */
import { z } from 'zod';
import { barSpec, renderChart } from '../../src/charts/render.js';
import { describeError } from '../../src/errors.js';
import { formatDuration } from '../../src/duration.js';
import { money } from '../../src/stripe/client.js';
import { defineAgent, type AgentContext } from './kit.js';
import { kindOf } from './revenue-report.js';

const DAY_MS = 86_400_000;
const usd = (n: number) => `$${n.toFixed(2)}`;

async function revenueLine(ctx: AgentContext, since: Date): Promise<string> {
  const stripe = ctx.reports.stripe;
  if (!stripe) return 'Revenue: Stripe is not configured (STRIPE_SECRET_KEY).';
  try {
    const list = await stripe.balanceTransactions.list({ created: { gte: Math.floor(since.getTime() / 1000) }, limit: 100 });
    const byCurrency = new Map<string, { in: number; refunds: number; n: number }>();
    for (const t of list.data) {
      const c = byCurrency.get(t.currency) ?? { in: 0, refunds: 0, n: 0 };
      const kind = kindOf(t);
      if (kind === 'payment') {
        c.in += t.amount;
        c.n++;
      } else if (kind === 'refund') c.refunds += -t.amount;
      byCurrency.set(t.currency, c);
    }
    if (!byCurrency.size) return 'Revenue (24 h): no payments.';
    return `Revenue (24 h): ${[...byCurrency].map(([cur, c]) => `${money(c.in, cur)} in ${c.n} payment${c.n === 1 ? '' : 's'}${c.refunds ? `, ${money(c.refunds, cur)} refunded` : ''}`).join('; ')}${list.has_more ? ' (first 100 transactions)' : ''}.`;
  } catch (err) {
    return `Revenue: Stripe did not answer (${describeError(err)}).`;
  }
}

export const dailyDigest = defineAgent({
  name: 'daily-digest',
  description: 'Each morning: agents, deploys and tasks, model spend, waiting approvals, revenue, with a chart',
  schedule: { cron: '0 8 * * *', tz: 'UTC' },
  payload: z.strictObject({}),
  async run(ctx) {
    const now = new Date();
    const since = new Date(now.getTime() - DAY_MS);
    const [runs, tasks, deploys, pending, spend, daily, revenue, parked] = await Promise.all([
      ctx.reports.agents.runStats(since),
      ctx.reports.tasks.countsSince(since),
      ctx.auditCount('deploy.deployed', since, now),
      ctx.reports.approvals.pendingCount(),
      ctx.reports.ledger.spend(),
      ctx.reports.ledger.dailySpend(7),
      revenueLine(ctx, since),
      ctx.reports.events.parkedSince(since),
    ]);
    const { dailyUsd, monthlyUsd } = ctx.config.llm.budget;
    const agentLine = runs.length
      ? runs.map((r) => `${r.agent} ${r.succeeded}/${r.succeeded + r.failed}${r.failed ? ' ✗' : ' ✓'}`).join(', ')
      : 'no runs';
    const taskTotal = Object.values(tasks).reduce((a, b) => a + b, 0);
    const lines = [
      `Agents (24 h): ${agentLine}.`,
      `Deploys: ${deploys + (tasks.deployed ?? 0)} (${deploys} by /deploy, ${tasks.deployed ?? 0} by tasks). Tasks: ${taskTotal}${taskTotal ? ` (${Object.entries(tasks).map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}.`,
      `Model spend: today ${usd(spend.todayUsd)}${dailyUsd ? ` of ${usd(dailyUsd)}` : ''}, this month ${usd(spend.monthUsd)}${monthlyUsd ? ` of ${usd(monthlyUsd)}` : ''}.`,
      `Approvals waiting: ${pending}.`,
      revenue,
      // Only when some were given up on: events.webhooks[] that stayed unreachable for events.retryFor.
      ...parked.map((p) => `⚠️ Events: ${p.parked} not delivered to webhook ${p.webhook} after retrying for ${formatDuration(ctx.config.events.retryForMs)}, parked${p.lastError ? ` (last error: ${p.lastError.slice(0, 120)})` : ''}.`),
    ];
    const day = now.toISOString().slice(0, 10);
    await ctx.broadcaster.broadcast({ title: `☀️ Daily digest, ${day}`, text: lines.join('\n') });
    const chart = await renderChart(barSpec({ title: 'Model spend per day (USD)', xTitle: 'day (UTC)', yTitle: 'USD', points: daily.map((d) => ({ x: d.day.slice(5), y: d.usd })) }));
    const caption = `Model spend per day, last 7 days: ${daily.map((d) => `${d.day.slice(5)} ${usd(d.usd)}`).join(', ')}.`;
    await ctx.broadcaster.broadcastPhoto({ png: chart.png, filename: `spend-${day}.png`, caption });
    return { summary: lines[0]!.slice(0, 300), output: { lines, chart: { width: chart.width, height: chart.height, bytes: chart.png.length } } };
  },
});
