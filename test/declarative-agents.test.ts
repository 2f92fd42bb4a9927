/**
 * Declarative agents: the two shipped examples (jobs/agents/examples/) copied into agents/ beside
 * aurea.config.yaml become scheduled agents with no code, run on their schedule against a scripted
 * model (the fake Anthropic API), and alert with the model's summary when `alert_when` matches. An
 * answer that fails its schema, or states a figure no tool showed, fails the run and alerts no one.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarativeAgent } from '../jobs/agents/declarative.js';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import type { Step } from './fakes/llm-script.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

/** The text of the tool results in a request. */
const toolResults = (body: any): string =>
  body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content.filter((b: any) => b.type === 'tool_result').map((b: any) => String(b.content)))).join('\n');

describe('declarative agents (agents/*.yaml)', () => {
  let h: Harness;
  let anthropic: FakeAnthropicApi;
  /** What the scripted model submits for budget-watch. */
  let budgetAnswer: Record<string, unknown> = {};
  const messages = () => h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);
  const say = async (text: string) => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, text));
    return h.telegram.nthMessage(FOUNDER.id, before + 1);
  };
  const runsOf = (agent: string) =>
    h.query<{ status: string; trigger: string; error_message: string | null; summary: string | null }>(
      `SELECT status, trigger, error_message, output->>'summary' AS summary FROM ai_agent_executions WHERE agent_name = $1 AND status <> 'running' ORDER BY id`,
      [agent],
    );

  beforeAll(async () => {
    anthropic = await FakeAnthropicApi.start();
    anthropic.respond = (body): Step | undefined => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (!tools.includes('submit')) return undefined;
      const seen = toolResults(body);
      if (tools.includes('status')) {
        if (!seen) return { kind: 'tool', name: 'status', input: {} };
        const down = /🔴 billing: down, (HTTP \d+)/.exec(seen);
        return { kind: 'tool', name: 'submit', input: down ? { severity: 'critical', summary: `billing is down (${down[1]})`, down: ['billing'] } : { severity: 'info', summary: 'every service is up' } };
      }
      if (!seen) return { kind: 'tool', name: 'budget', input: {} };
      return { kind: 'tool', name: 'submit', input: budgetAnswer };
    };
    h = await Harness.create({
      yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n',
      env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
    });
    const agents = join(dirname(h.config.configFile!), 'agents');
    mkdirSync(agents);
    for (const f of ['uptime-watch.yaml', 'budget-watch.yaml']) copyFileSync(join('jobs/agents/examples', f), join(agents, f));
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await anthropic?.close();
  });

  it('they are agents like the others: listed by /agents with their schedules', async () => {
    const text = await say('/agents');
    expect(text).toMatch(/\nbudget-watch \(cron 0 9 \* \* \* UTC\)\n/);
    expect(text).toMatch(/\nuptime-watch \(every 15m\)\n/);
  });

  it('uptime-watch runs on its schedule: quiet while all is up; a service down → one alert with the summary; up again → resolved', async () => {
    await say('/schedule uptime-watch every 500ms');
    await h.until(async () => (await runsOf('uptime-watch')).some((r) => r.trigger === 'schedule' && r.status === 'succeeded'), 15_000, 'a scheduled run');
    expect((await runsOf('uptime-watch')).at(-1)!.summary).toBe('every service is up');
    const calls = anthropic.calls.filter((c) => c.body.tools?.some((t: any) => t.name === 'submit'));
    expect(calls[0]!.body.tools.find((t: any) => t.name === 'submit').input_schema).toMatchObject({ required: ['severity', 'summary'] });

    h.service.healthy = false;
    await h.telegram.waitFor(() => messages().some((t) => t.includes('uptime-watch: billing is down (HTTP 503)')), 15_000, 'the alert');
    // Two more runs end while billing is still down: they find the alert open and add nothing.
    const seen = (await runsOf('uptime-watch')).length;
    await h.until(async () => (await runsOf('uptime-watch')).filter((r) => r.status !== 'running').length >= seen + 2, 15_000, 'two more runs');
    await h.settled();
    expect(messages().filter((t) => t.includes('uptime-watch: billing is down'))).toEqual(['🔴 uptime-watch: billing is down (HTTP 503)']);
    h.service.healthy = true;
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_system_alerts WHERE dedupe_key = 'agent:uptime-watch' AND resolved_at IS NOT NULL`)).length === 1, 15_000, 'resolved');
    await say('/pause uptime-watch');
    const llm = await h.query<{ purpose: string }>(`SELECT DISTINCT purpose FROM llm_calls WHERE purpose LIKE 'agent:%'`);
    expect(llm.map((r) => r.purpose)).toEqual(['agent:uptime-watch']);
  });

  it('an answer that fails its output schema fails the run with the validation error and alerts no one', async () => {
    const alertsBefore = messages().length;
    budgetAnswer = { severity: 'bad', summary: 'Today: $0.0000 (no daily cap)', percent_of_daily_cap: 0 };
    await say('/run budget-watch');
    await h.until(async () => (await runsOf('budget-watch')).length === 1, 15_000, 'the run');
    const [run] = await runsOf('budget-watch');
    expect(run!.status).toBe('failed');
    expect(run!.error_message).toMatch(/^budget-watch: the answer does not match its output schema: severity: .+\.$/);
    await h.settled();
    expect(messages().slice(alertsBefore + 1)).toEqual([]);
  });

  it('a summary stating a figure no tool result shows fails the run; a good answer under the threshold runs quietly', async () => {
    budgetAnswer = { severity: 'critical', summary: 'Today: $41.00 spent', percent_of_daily_cap: 120 };
    await say('/run budget-watch');
    await h.until(async () => (await runsOf('budget-watch')).length === 2, 15_000, 'the second run');
    expect((await runsOf('budget-watch'))[1]).toMatchObject({ status: 'failed', error_message: 'budget-watch: the summary states 41, which no tool result shows; no alert was sent.' });

    budgetAnswer = { severity: 'info', summary: 'Today: $0.0000 (no daily cap)', percent_of_daily_cap: 0 };
    await say('/run budget-watch');
    await h.until(async () => (await runsOf('budget-watch')).length === 3, 15_000, 'the third run');
    expect((await runsOf('budget-watch'))[2]).toMatchObject({ status: 'succeeded', trigger: 'manual', summary: 'Today: $0.0000 (no daily cap)' });
    expect(await h.query(`SELECT 1 FROM ai_system_alerts WHERE source = 'agent:budget-watch'`)).toEqual([]);
  });

  it('an invalid agent file is refused at startup, naming the file and the problem', () => {
    expect(() => declarativeAgent('/x/agents/noisy.yaml', 'description: d\nprompt: p\nevery: 1h\noutput: { type: object, properties: { summary: { type: string } }, required: [summary] }\nalert_when: severity is high\n')).toThrow(
      'Invalid agents/noisy.yaml: "severity is high" is not understood; write always, never, "<field> in [a, b]", or "<field> == value" (also !=, >, >=, <, <=)',
    );
    expect(() => declarativeAgent('/x/agents/late.yaml', 'description: d\nprompt: p\noutput: { type: object }\n')).toThrow(/^Invalid agents\/late\.yaml: .*give a schedule/);
  });
});
