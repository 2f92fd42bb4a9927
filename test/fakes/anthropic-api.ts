/**
 * A fake Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`, https://docs.anthropic.com/en/api/messages):
 * text and `tool_use` content blocks, `usage` fields, and errors in Anthropic's envelope
 * (`{"type":"error","error":{"type":…}}`) with `retry-after` on 429, or a request that never answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallRecorder } from './recorder.js';
import { Script, type Step } from './llm-script.js';

export interface AnthropicCall {
  method: string;
  ok: boolean;
  body: Record<string, any>;
}

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error' };

export class FakeAnthropicApi extends CallRecorder<AnthropicCall> {
  readonly script = new Script();
  /** Chooses the answer from the request (tools offered, conversation so far); the script answers when it returns undefined. */
  respond?: (body: any) => Step | undefined;
  /** Requests received, answered or not. */
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly apiKey: string,
  ) {
    super();
  }

  static async start(apiKey = 'sk-ant-test-0000000000000000000000'): Promise<FakeAnthropicApi> {
    let fake!: FakeAnthropicApi;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      fake.requests++;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      // The SDK authenticates with `x-api-key` (older versions) or `Authorization: Bearer` (current ones).
      if (req.headers['x-api-key'] !== fake.apiKey && req.headers.authorization !== `Bearer ${fake.apiKey}`) return json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      // Models API (https://docs.anthropic.com/en/api/models-list): what `aurea init` checks a key with.
      if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
        const model = { type: 'model', id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5', created_at: '2026-09-01T00:00:00Z' };
        return json(200, { data: [model], has_more: false, first_id: model.id, last_id: model.id });
      }
      if (req.method !== 'POST' || req.url !== '/v1/messages') return json(404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const step = fake.respond?.(body) ?? fake.script.next();
      if (step.kind === 'hang') return; // never answers
      if (step.kind === 'error') {
        fake.record({ method: 'messages', ok: false, body });
        return json(step.status, { type: 'error', error: { type: ERROR_TYPES[step.status] ?? 'api_error', message: `fake ${step.status}` } }, step.retryAfter ? { 'retry-after': String(step.retryAfter) } : {});
      }
      fake.record({ method: 'messages', ok: true, body });
      const content = step.kind === 'text' ? [{ type: 'text', text: step.text }] : [{ type: 'tool_use', id: `toolu_${fake.requests}`, name: step.name, input: step.input ?? { arguments: step.args } }];
      json(200, {
        id: `msg_${fake.requests}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: step.kind === 'text' ? 'end_turn' : 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 1200, output_tokens: 80 },
      });
    });
    fake = new FakeAnthropicApi(server, apiKey);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  /** ANTHROPIC_BASE_URL for this fake. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
