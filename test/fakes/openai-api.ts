/**
 * A fake OpenAI API on 127.0.0.1, as the official `openai` SDK talks to it:
 * `POST /v1/audio/transcriptions` (multipart/form-data with `file` and `model`; answer `{"text": …}`)
 * and `POST /v1/chat/completions` (text or `tool_calls`, `usage`, errors in OpenAI's envelope).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbedder } from '../../src/memory/hashing-embedder.js';
import { Script } from './llm-script.js';
import { CallRecorder } from './recorder.js';

export interface OpenAICall {
  method: string;
  ok: boolean;
  body?: Record<string, any>;
  /** Multipart fields other than the file. */
  fields: Record<string, string>;
  file?: { filename: string; contentType: string; bytes: Buffer };
}

function multipart(body: Buffer, contentType: string): Pick<OpenAICall, 'fields' | 'file'> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const fields: Record<string, string> = {};
  let file: OpenAICall['file'];
  if (!boundary) return { fields };
  const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(sep);
  while (start !== -1) {
    const next = body.indexOf(sep, start + sep.length);
    if (next === -1) break;
    const part = body.subarray(start + sep.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    const filename = /filename="([^"]+)"/.exec(headers)?.[1];
    if (filename) file = { filename, contentType: /content-type: (.+)/i.exec(headers)?.[1]?.trim() ?? '', bytes: Buffer.from(content) };
    else if (name) fields[name] = content.toString('utf8');
    start = next;
  }
  return { fields, file };
}

const hashing = new HashingEmbedder();
function tile(v: number[], size: number): number[] {
  const out = Array.from({ length: size }, (_, i) => v[i % v.length]!);
  const norm = Math.hypot(...out) || 1;
  return out.map((x) => x / norm);
}

export class FakeOpenAIApi extends CallRecorder<OpenAICall> {
  /** What the next transcriptions answer. */
  transcript = '';
  /** What chat completions do next. */
  readonly script = new Script();
  chatRequests = 0;

  private constructor(
    private readonly server: Server,
    readonly apiKey: string,
  ) {
    super();
  }

  static async start(apiKey = 'sk-test-fake-openai-key-000000000000'): Promise<FakeOpenAIApi> {
    let fake!: FakeOpenAIApi;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${fake.apiKey}`) {
        return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      // Models API (https://platform.openai.com/docs/api-reference/models/list): what `aurea init` checks a key with.
      if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
        return json(200, { object: 'list', data: [{ id: 'gpt-5.4-mini', object: 'model', created: 1_780_000_000, owned_by: 'openai' }] });
      }
      if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
        const parsed = multipart(Buffer.concat(chunks), req.headers['content-type'] ?? '');
        fake.record({ method: 'audio.transcriptions', ok: true, ...parsed });
        return json(200, { text: fake.transcript, usage: { type: 'duration', seconds: 2 } });
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        fake.chatRequests++;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const step = fake.script.next();
        if (step.kind === 'hang') return;
        if (step.kind === 'error') {
          fake.record({ method: 'chat.completions', ok: false, fields: {}, body });
          res.writeHead(step.status, { 'content-type': 'application/json', ...(step.retryAfter ? { 'retry-after': String(step.retryAfter) } : {}) });
          return res.end(JSON.stringify({ error: { message: `fake ${step.status}`, type: step.status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } }));
        }
        fake.record({ method: 'chat.completions', ok: true, fields: {}, body });
        const message =
          step.kind === 'text'
            ? { role: 'assistant', content: step.text, refusal: null }
            : { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${fake.chatRequests}`, type: 'function', function: { name: step.name, arguments: JSON.stringify({ arguments: step.args }) } }] };
        return json(200, {
          id: `chatcmpl-${fake.chatRequests}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, logprobs: null, finish_reason: step.kind === 'text' ? 'stop' : 'tool_calls' }],
          usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 },
        });
      }
      if (req.method === 'POST' && req.url === '/v1/embeddings') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
        fake.record({ method: 'embeddings', ok: true, fields: {}, body });
        // Deterministic stand-in vectors of the real size: the hashing embedder's 256 tiled to 1536, renormalised.
        // The SDK asks for encoding_format "base64" (little-endian float32) unless told otherwise, as the real API allows.
        const encode = (v: number[]) => (body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v);
        const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: encode(tile(hashing.vector(text), 1536)) }));
        return json(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.join(' ').length / 4, total_tokens: inputs.join(' ').length / 4 } });
      }
      json(404, { error: { message: 'not found', type: 'invalid_request_error' } });
    });
    fake = new FakeOpenAIApi(server, apiKey);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
