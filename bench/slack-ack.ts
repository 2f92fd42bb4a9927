/**
 * Slack slash-command ack latency: a signed `/aurea status` POSTed to /slack/events → the HTTP
 * response (Bolt's ack; Slack's limit is 3 s). The answer itself follows on response_url.
 */
import { SLACK_FOUNDER, postSigned, slashCommandBody } from '../test/fixtures/slack-requests.js';
import { Harness, SLACK_SIGNING_SECRET } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

export async function slackAck(requests = 200): Promise<BenchResult> {
  const h = await Harness.create({ slack: true, realChatLimit: true });
  try {
    await h.start();
    const slack = h.slack!;
    const latencies: number[] = [];
    for (let i = 0; i < requests + 10; i++) {
      const body = slashCommandBody(SLACK_FOUNDER, 'status', slack.responseUrl(`b${i}`));
      const started = performance.now();
      const res = await postSigned(h.slackEventsUrl, body, 'application/x-www-form-urlencoded', SLACK_SIGNING_SECRET);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack answered ${res.status}`);
      if (i >= 10) latencies.push(performance.now() - started); // first 10 warm up
      await new Promise((r) => setTimeout(r, 20));
    }
    await slack.waitFor(() => slack.callsOf('response_url').length >= requests + 10, 60_000, 'all answers');
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return {
      name: `Slack slash command ack (${requests} signed /aurea status)`,
      rows: [
        { metric: 'p50', value: round(p50), unit: 'ms' },
        { metric: 'p99', value: round(p99), unit: 'ms', target: '< 100 ms', met: p99 < 100 },
        { metric: 'answers via response_url', value: `${slack.callsOf('response_url').length}/${requests + 10}`, unit: '' },
      ],
      details: { requests, p50_ms: round(p50), p99_ms: round(p99), max_ms: round(Math.max(...latencies)) },
    };
  } finally {
    await h.close();
  }
}
