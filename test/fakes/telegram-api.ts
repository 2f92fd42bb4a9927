/**
 * A fake Telegram Bot API on 127.0.0.1 speaking the real wire format (https://core.telegram.org/bots/api):
 * `POST /bot<token>/<method>` with a JSON body, answered `{ok:true,result}` or
 * `{ok:false,error_code,description,parameters?}`. grammY talks to it unmodified via `apiRoot`.
 *
 * It serves getMe and getUpdates (long polling with offset/limit/timeout), records every other call
 * (sendMessage, editMessageText, answerCallbackQuery, setMyCommands, …), can inject failures
 * (429 with retry_after), and can enforce Telegram's flood limits the way Telegram does: about
 * 30 messages/s overall and about 1/s per chat, with short bursts allowed (token buckets), answering
 * 429 `Too Many Requests: retry after N` beyond them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from './multipart.js';
import { CallRecorder } from './recorder.js';

export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
  /** performance.now() when the request arrived. */
  at: number;
  /** For sendMessage/editMessageText: the text as the founder sees it (HTML parsed away, as Telegram does). */
  text?: string;
  /** What the fake answered (result or error). */
  response: { ok: boolean; result?: unknown; error_code?: number };
  /** Whether the call was accepted (response.ok). */
  ok: boolean;
}

export interface RateLimits {
  /** Messages per second overall (Telegram: about 30). */
  globalPerSecond: number;
  globalBurst: number;
  /** Messages per second per chat (Telegram: about 1, short bursts allowed). */
  chatPerSecond: number;
  chatBurst: number;
}

export const TELEGRAM_LIMITS: RateLimits = { globalPerSecond: 30, globalBurst: 30, chatPerSecond: 1, chatBurst: 3 };

class Bucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Takes a token, or returns the seconds until one is available. */
  take(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.perSecond;
  }
}

const RATE_LIMITED_METHODS = new Set(['sendMessage', 'editMessageText', 'sendVoice', 'sendPhoto', 'sendDocument']);

/**
 * The visible text of a message sent with parse_mode HTML: tags removed and the four entities the
 * Bot API accepts (&lt; &gt; &amp; &quot;) decoded. Throws on a tag Telegram does not support,
 * like the real API's "Bad Request: can't parse entities".
 */
export function visibleText(text: string, parseMode?: string): string {
  if (parseMode !== 'HTML') return text;
  const tags = text.match(/<\/?([a-z-]+)[^>]*>/g) ?? [];
  for (const tag of tags) {
    const name = /<\/?([a-z-]+)/.exec(tag)![1]!;
    if (!['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'blockquote', 'span'].includes(name)) {
      throw new Error(`Bad Request: can't parse entities: unsupported start tag "${name}"`);
    }
  }
  return text.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

export const BOT_USER = { id: 7_000_001, is_bot: true, first_name: 'AUREA', username: 'aurea_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };

export class FakeTelegramApi extends CallRecorder<RecordedCall> {
  /** update_id → performance.now() when getUpdates handed it out. */
  readonly handedOut = new Map<number, number>();
  rateLimited429 = 0;
  /** The URL of the last setWebhook ('' after deleteWebhook). */
  webhookUrl = '';
  /** What getWebhookInfo reports as the last delivery error (Telegram could not reach the webhook). */
  webhookError?: string;
  private updates: Array<Record<string, any> & { update_id: number; redelivered?: boolean }> = [];
  private nextUpdateId = 500_000;
  private nextMessageId = 1;
  private waitingPolls = new Set<() => void>();
  private pollArrivals = new Set<(at: number) => void>();
  private failures: Array<{ method: string; times: number; error: { error_code: number; description: string; parameters?: Record<string, unknown> } }> = [];
  private files = new Map<string, { path: string; bytes: Buffer }>();
  private limits?: { global: Bucket; perChat: Map<string, Bucket>; config: RateLimits };

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {
    super();
  }

  static async start(options: { token?: string; rateLimits?: RateLimits } = {}): Promise<FakeTelegramApi> {
    const token = options.token ?? '123456789:AAFakeTokenForTestsOnly_abcdefghijklmn';
    let fake!: FakeTelegramApi;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeTelegramApi(server, token);
    if (options.rateLimits) fake.enforceLimits(options.rateLimits);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.server.listening ? (this.server.address() as AddressInfo).port : this.port}`;
  }

  enforceLimits(config: RateLimits): void {
    this.limits = { global: new Bucket(config.globalPerSecond, config.globalBurst), perChat: new Map(), config };
  }

  /**
   * Resolves with performance.now() when the next getUpdates request arrives: a long poll is
   * recorded only when answered (up to its `timeout` later), its arrival is known at once.
   */
  nextPoll(timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pollArrivals.delete(arrived);
        reject(new Error(`FakeTelegramApi: no getUpdates within ${timeoutMs}ms`));
      }, timeoutMs);
      const arrived = (at: number) => {
        this.pollArrivals.delete(arrived);
        clearTimeout(timer);
        resolve(at);
      };
      this.pollArrivals.add(arrived);
    });
  }

  /** Queues an update for getUpdates; assigns update_id when it has none. @returns the update_id */
  pushUpdate(update: Record<string, any>): number {
    const u = { ...update, update_id: update.update_id ?? this.nextUpdateId++ };
    this.nextUpdateId = Math.max(this.nextUpdateId, u.update_id + 1);
    this.updates.push(u);
    for (const wake of this.waitingPolls) wake();
    return u.update_id;
  }

  /**
   * Hands out an already-confirmed update again, as Telegram does when it did not see the
   * confirmation (a crash before the next getUpdates, a webhook answer that timed out).
   */
  redeliver(update: Record<string, any> & { update_id: number }): void {
    this.updates.push({ ...update, redelivered: true });
    for (const wake of this.waitingPolls) wake();
  }

  /** Makes a file available to getFile and to `GET /file/bot<token>/<file_path>`. */
  addFile(fileId: string, bytes: Buffer, path = `voice/file_${this.files.size + 1}.oga`): void {
    this.files.set(fileId, { path, bytes });
  }

  /** The next `times` calls of `method` fail with this Bot API error. */
  failNext(method: string, error: { error_code: number; description: string; parameters?: Record<string, unknown> }, times = 1): void {
    this.failures.push({ method, times, error });
  }

  callsOf(method: string, chatId?: number | string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.response.ok && (chatId === undefined || String(c.payload.chat_id) === String(chatId)));
  }

  /** Messages accepted for a chat, in order. */
  messagesTo(chatId: number | string): Array<{ text: string; buttons: Array<{ text: string; callback_data: string }>; message_id: number }> {
    return this.callsOf('sendMessage', chatId).map((c) => ({
      text: c.text!,
      buttons: (c.payload.reply_markup?.inline_keyboard ?? []).flat(),
      message_id: (c.response.result as { message_id: number }).message_id,
    }));
  }

  /** The documents sent to `chatId` (sendDocument), with their file's name and text. */
  documentsTo(chatId: number | string): Array<{ filename: string; content: string; caption?: string }> {
    return this.callsOf('sendDocument', chatId).map((c) => ({ ...c.payload.document, ...(c.payload.caption ? { caption: c.payload.caption } : {}) }));
  }

  /** The photos sent to `chatId` (sendPhoto): the PNG bytes and the caption. */
  photosTo(chatId: number | string): Array<{ filename: string; png: Buffer; caption?: string }> {
    return this.callsOf('sendPhoto', chatId).map((c) => ({ filename: c.payload.photo.filename, png: c.payload.photo.bytes, ...(c.payload.caption ? { caption: c.payload.caption } : {}) }));
  }

  /** Waits for the n-th sendMessage to `chatId` (1-based) and returns its text. */
  async nthMessage(chatId: number | string, n: number, timeoutMs?: number): Promise<string> {
    await this.waitFor(() => this.messagesTo(chatId).length >= n, timeoutMs, `message #${n} to ${chatId}`);
    return this.messagesTo(chatId)[n - 1]!.text;
  }

  async close(): Promise<void> {
    for (const wake of this.waitingPolls) wake();
    this.server.closeAllConnections();
    if (this.server.listening) await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** While true, every Bot API call is answered 502 Bad Gateway (as a proxy in front of a dead API does). */
  badGateway = false;

  /** Stops listening: calls get "connection refused" until {@link comeBack}. */
  async goAway(): Promise<void> {
    this.port = (this.server.address() as AddressInfo).port;
    for (const wake of this.waitingPolls) wake();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }

  private port = 0;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url?.split('?')[0] ?? '');
    if (download) {
      const file = [...this.files.values()].find((f) => f.path === download[2]);
      this.record({ method: 'file download', payload: { path: download[2] }, at, response: { ok: Boolean(file) && download[1] === this.token }, ok: Boolean(file) && download[1] === this.token });
      if (!file || download[1] !== this.token) {
        res.writeHead(404);
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(file.bytes);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url?.split('?')[0] ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: Record<string, unknown>) => {
      if (!res.writableEnded && !res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    };
    if (this.badGateway) {
      res.writeHead(502, { 'content-type': 'text/html' });
      return void res.end('<html><body>502 Bad Gateway</body></html>');
    }
    if (!m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const body = Buffer.concat(chunks);
    const raw = body.toString('utf8');
    let payload: Record<string, any> = {};
    const parts = parseMultipart(body, req.headers['content-type']);
    if (parts) {
      // Files travel as their own parts, named by the attach://<id> string in their field (grammY).
      const files = new Map(parts.filter((p) => p.filename).map((p) => [p.name, { filename: p.filename!, content: p.bytes.toString('utf8'), bytes: p.bytes }]));
      for (const part of parts.filter((p) => !p.filename)) {
        const value = part.bytes.toString('utf8');
        payload[part.name] = value.startsWith('attach://') ? files.get(value.slice('attach://'.length)) : value;
      }
    } else {
      try {
        payload = raw ? JSON.parse(raw) : {};
      } catch {
        return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
    }

    let text: string | undefined;
    if (typeof payload.text === 'string') {
      try {
        text = visibleText(payload.text, payload.parse_mode);
      } catch (err) {
        this.record({ method, payload, at, response: { ok: false, error_code: 400 }, ok: false });
        return send(400, { ok: false, error_code: 400, description: (err as Error).message });
      }
    }
    const record = (response: RecordedCall['response']) => this.record({ method, payload, at, response, text, ok: response.ok });
    const fail = (error_code: number, description: string, parameters?: Record<string, unknown>) => {
      record({ ok: false, error_code });
      send(error_code, { ok: false, error_code, description, ...(parameters ? { parameters } : {}) });
    };

    const injected = this.failures.find((f) => f.method === method && f.times > 0);
    if (injected) {
      injected.times--;
      return fail(injected.error.error_code, injected.error.description, injected.error.parameters);
    }
    if (this.limits && RATE_LIMITED_METHODS.has(method)) {
      const chat = String(payload.chat_id);
      let bucket = this.limits.perChat.get(chat);
      if (!bucket) this.limits.perChat.set(chat, (bucket = new Bucket(this.limits.config.chatPerSecond, this.limits.config.chatBurst)));
      const wait = Math.max(bucket.take(), this.limits.global.take());
      if (wait > 0) {
        this.rateLimited429++;
        const retryAfter = Math.max(1, Math.ceil(wait));
        return fail(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
    }

    const ok = (result: unknown) => {
      record({ ok: true, result });
      send(200, { ok: true, result });
    };
    /** A Message the bot sent to the private chat `chat_id` (Bot API Message object), with `extra` fields. */
    const sent = (extra: Record<string, unknown>) => ({
      message_id: this.nextMessageId++,
      from: BOT_USER,
      chat: { id: Number(payload.chat_id), type: 'private', first_name: 'Founder' },
      date: Math.floor(Date.now() / 1000),
      ...(typeof payload.caption === 'string' && payload.caption ? { caption: payload.caption } : {}),
      ...extra,
    });
    if (typeof payload.caption === 'string' && payload.caption.length > 1024) return fail(400, 'Bad Request: message caption is too long');
    switch (method) {
      case 'getMe':
        return ok(BOT_USER);
      case 'getUpdates':
        for (const arrived of [...this.pollArrivals]) arrived(at);
        return this.getUpdates(payload, res, ok);
      case 'sendMessage': {
        if (!payload.chat_id || !text) return fail(400, 'Bad Request: message text is empty');
        if (text.length > 4096) return fail(400, 'Bad Request: message is too long');
        return ok(sent({ text, ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}) }));
      }
      case 'sendDocument': {
        if (!payload.chat_id) return fail(400, 'Bad Request: chat not found');
        if (!payload.document?.filename) return fail(400, 'Bad Request: there is no document in the request');
        return ok(sent({ document: { file_name: payload.document.filename, mime_type: 'text/plain', file_id: `doc${this.nextMessageId}`, file_unique_id: `udoc${this.nextMessageId}`, file_size: Buffer.byteLength(payload.document.content) } }));
      }
      case 'sendPhoto': {
        if (!payload.chat_id) return fail(400, 'Bad Request: chat not found');
        const photo = payload.photo as { bytes?: Buffer } | undefined;
        if (!photo?.bytes || photo.bytes.subarray(1, 4).toString() !== 'PNG') return fail(400, 'Bad Request: IMAGE_PROCESS_FAILED');
        return ok(sent({ photo: [{ file_id: `photo${this.nextMessageId}`, file_unique_id: `uphoto${this.nextMessageId}`, width: 320, height: 160, file_size: photo.bytes.length }] }));
      }
      case 'editMessageText':
        return ok({
          message_id: payload.message_id,
          from: BOT_USER,
          chat: { id: Number(payload.chat_id), type: 'private', first_name: 'Founder' },
          date: Math.floor(Date.now() / 1000),
          edit_date: Math.floor(Date.now() / 1000),
          text,
          ...(payload.reply_markup?.inline_keyboard?.length ? { reply_markup: payload.reply_markup } : {}),
        });
      case 'getFile': {
        const file = this.files.get(payload.file_id);
        if (!file) return fail(400, 'Bad Request: invalid file_id');
        return ok({ file_id: payload.file_id, file_unique_id: `u${payload.file_id}`, file_size: file.bytes.length, file_path: file.path });
      }
      case 'setWebhook':
        this.webhookUrl = String(payload.url ?? '');
        return ok(true);
      case 'deleteWebhook':
        this.webhookUrl = '';
        return ok(true);
      case 'getWebhookInfo':
        // WebhookInfo (https://core.telegram.org/bots/api#webhookinfo), with the last delivery error when set.
        return ok({
          url: this.webhookUrl,
          has_custom_certificate: false,
          pending_update_count: this.webhookUrl ? this.updates.length : 0,
          ...(this.webhookUrl && this.webhookError ? { last_error_date: Math.floor(Date.now() / 1000) - 30, last_error_message: this.webhookError } : {}),
        });
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'sendChatAction':
        return ok(true);
      default:
        return fail(404, 'Not Found: method not found');
    }
  }

  private getUpdates(payload: Record<string, any>, res: ServerResponse, ok: (r: unknown) => void): void {
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Number(payload.limit ?? 100));
    const timeoutMs = Number(payload.timeout ?? 0) * 1000;
    const pending = (u: { update_id: number; redelivered?: boolean }) => u.update_id >= offset || u.redelivered;
    if (offset) this.updates = this.updates.filter(pending);
    const answer = () => {
      const batch = this.updates.filter(pending).slice(0, limit);
      this.updates = this.updates.filter((u) => !(u.redelivered && batch.includes(u)));
      const now = performance.now();
      for (const u of batch) if (!this.handedOut.has(u.update_id)) this.handedOut.set(u.update_id, now);
      ok(batch.map(({ redelivered: _, ...u }) => u));
    };
    if (this.updates.some(pending) || timeoutMs === 0) return answer();
    let timer: NodeJS.Timeout;
    const wake = () => {
      this.waitingPolls.delete(wake);
      clearTimeout(timer);
      answer();
    };
    this.waitingPolls.add(wake);
    timer = setTimeout(wake, timeoutMs);
    res.once('close', () => {
      this.waitingPolls.delete(wake);
      clearTimeout(timer);
    });
  }
}
