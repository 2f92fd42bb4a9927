/**
 * A fake Slack Web API on 127.0.0.1 speaking the real wire format (https://api.slack.com/web):
 * `POST /api/<method>` with a form-encoded or JSON body and `Authorization: Bearer xoxb-…`, answered
 * `{ok:true,…}` or `{ok:false,error}`. Bolt's WebClient talks to it unmodified via `slackApiUrl`.
 * It also serves response_url (`POST /response/<id>`) so that `respond()` works.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from './multipart.js';
import { CallRecorder } from './recorder.js';

export interface SlackCall {
  /** Web API method (`chat.postMessage`) or `response_url` for respond(). */
  method: string;
  payload: Record<string, any>;
  at: number;
  ok: boolean;
  /** For response_url calls: the path id. */
  responseId?: string;
}

/** A file shared in a conversation by files.completeUploadExternal. */
export interface SharedFile {
  id: string;
  channel: string;
  filename: string;
  title: string;
  comment?: string;
  content: string;
  bytes: Buffer;
}

export const BOT = { user_id: 'UAUREA0001', bot_id: 'BAUREA0001', team_id: 'T0AUREA01' };

/** What a Block Kit message shows: the mrkdwn of its sections and contexts, without the markup. */
export function visibleBlocks(blocks: any[] | undefined): string {
  const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return (blocks ?? [])
    .flatMap((b) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e: any) => e.text) : []))
    .map((t: string) => unescape(t.replace(/(^|\n)\*([^*\n]+)\*/g, '$1$2').replace(/^_([\s\S]*)_$/, '$1')))
    .join('\n\n');
}

export class FakeSlackApi extends CallRecorder<SlackCall> {
  private ts = 1_700_000_000;
  private files = new Map<string, { bytes: Buffer; mimetype: string; filetype: string }>();
  /** files.getUploadURLExternal → the upload → files.completeUploadExternal (filesUploadV2). */
  /** Methods that answer HTTP 429 with Retry-After (seconds) for their next calls. */
  private rateLimits: Array<{ method: string; times: number; retryAfter: number }> = [];
  private pendingUploads = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  private readonly shared: SharedFile[] = [];

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {
    super();
  }

  static async start(token = 'xoxb-0000000000-fake-token-for-tests'): Promise<FakeSlackApi> {
    let fake!: FakeSlackApi;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeSlackApi(server, token);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** SLACK_API_URL for this fake. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url pointing at this fake. */
  responseUrl(id: string): string {
    return `${this.origin}/response/${id}`;
  }

  /** Makes a file available to files.info and to its authenticated url_private_download. */
  addFile(id: string, bytes: Buffer, mimetype = 'audio/ogg', filetype = 'ogg'): void {
    this.files.set(id, { bytes, mimetype, filetype });
  }

  /**
   * The next `times` calls of `method` answer as Slack does when a method's rate limit is exceeded:
   * HTTP 429, `Retry-After: <seconds>`, `{ ok: false, error: 'ratelimited' }` (docs.slack.dev/apis/web-api/rate-limits).
   */
  rateLimitNext(method: string, retryAfter = 1, times = 1): void {
    this.rateLimits.push({ method, times, retryAfter });
  }

  /** The files AUREA uploaded and shared, in order. */
  sharedFiles(): SharedFile[] {
    return [...this.shared];
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const raw = body.toString('utf8');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    let payload: Record<string, any>;
    if ((req.headers['content-type'] ?? '').includes('application/json')) payload = raw ? JSON.parse(raw) : {};
    else {
      payload = Object.fromEntries(new URLSearchParams(raw));
      for (const k of ['blocks', 'attachments']) if (typeof payload[k] === 'string') payload[k] = JSON.parse(payload[k]);
    }
    const path = req.url?.split('?')[0] ?? '';
    const download = /^\/files-pri\/([^/]+)\/.+$/.exec(path);
    if (download) {
      const file = this.files.get(download[1]!);
      const authorized = req.headers.authorization === `Bearer ${this.token}`;
      this.record({ method: 'file download', payload: { id: download[1] }, at, ok: Boolean(file) && authorized });
      if (!authorized || !file) {
        res.writeHead(authorized ? 404 : 302, authorized ? {} : { location: 'https://slack.com/signin' });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': file.mimetype });
      return void res.end(file.bytes);
    }
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    if (upload) {
      // The upload_url step: the bytes, raw or as the one part of a multipart body (WebClient).
      const pending = this.pendingUploads.get(upload[1]!);
      this.record({ method: 'file upload', payload: { id: upload[1] }, at, ok: Boolean(pending) });
      if (!pending) {
        res.writeHead(404);
        return void res.end();
      }
      pending.bytes = parseMultipart(body, req.headers['content-type'])?.[0]?.bytes ?? body;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${pending.bytes.length}`);
    }
    const response = /^\/response\/(.+)$/.exec(path);
    if (response) {
      this.record({ method: 'response_url', payload, at, ok: true, responseId: response[1] });
      return json(200, { ok: true });
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m) return json(404, { ok: false, error: 'unknown_method' });
    const method = m[1]!;
    const ok = (body: Record<string, unknown>) => {
      this.record({ method, payload, at, ok: true });
      json(200, { ok: true, ...body });
    };
    const fail = (error: string) => {
      this.record({ method, payload, at, ok: false });
      json(200, { ok: false, error });
    };
    if (req.headers.authorization !== `Bearer ${this.token}` && payload.token !== this.token) return fail('invalid_auth');
    const limited = this.rateLimits.find((r) => r.method === method && r.times > 0);
    if (limited) {
      limited.times--;
      this.record({ method, payload, at, ok: false });
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(limited.retryAfter) });
      return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://aurea-test.slack.com/', team: 'AUREA test', user: 'aurea', ...BOT });
      case 'chat.postMessage': {
        if (!payload.channel) return fail('channel_not_found');
        if (!payload.text && !payload.blocks) return fail('no_text');
        const channel = /^[UW]/.test(payload.channel) ? `D${payload.channel.slice(1)}` : payload.channel;
        const ts = `${this.ts++}.000100`;
        return ok({ channel, ts, message: { type: 'message', user: BOT.user_id, bot_id: BOT.bot_id, text: payload.text, blocks: payload.blocks, ts } });
      }
      case 'files.info': {
        const file = this.files.get(payload.file);
        if (!file) return fail('file_not_found');
        return ok({
          file: { id: payload.file, name: `voice.${file.filetype}`, mimetype: file.mimetype, filetype: file.filetype, size: file.bytes.length, url_private_download: `${this.origin}/files-pri/${payload.file}/voice.${file.filetype}` },
        });
      }
      case 'conversations.open': {
        const user = String(payload.users ?? '').split(',')[0];
        if (!user) return fail('users_list_not_supplied');
        return ok({ channel: { id: `D${user.slice(1)}` } });
      }
      case 'files.getUploadURLExternal': {
        if (!payload.filename || !Number(payload.length)) return fail('invalid_arguments');
        const id = `F${this.ts++}`;
        this.pendingUploads.set(id, { filename: payload.filename, length: Number(payload.length) });
        return ok({ upload_url: `${this.origin}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const files: Array<{ id: string; title?: string }> = typeof payload.files === 'string' ? JSON.parse(payload.files) : payload.files;
        const done = files.map((f) => ({ f, pending: this.pendingUploads.get(f.id) }));
        if (done.some(({ pending }) => !pending?.bytes)) return fail('file_not_found');
        if (payload.channel_id && !/^[CDG]/.test(payload.channel_id)) return fail('invalid_channel');
        for (const { f, pending } of done) {
          this.pendingUploads.delete(f.id);
          if (payload.channel_id) {
            this.shared.push({ id: f.id, channel: payload.channel_id, filename: pending!.filename, title: f.title ?? pending!.filename, ...(payload.initial_comment ? { comment: payload.initial_comment } : {}), content: pending!.bytes!.toString('utf8'), bytes: pending!.bytes! });
          }
        }
        return ok({ files: done.map(({ f, pending }) => ({ id: f.id, name: pending!.filename, title: f.title ?? pending!.filename })) });
      }
      case 'chat.update':
        if (!payload.channel || !payload.ts) return fail('message_not_found');
        return ok({ channel: payload.channel, ts: payload.ts, text: payload.text });
      default:
        return fail('unknown_method');
    }
  }
}
