/**
 * A subscriber of AUREA's events on 127.0.0.1: checks every request with the `standardwebhooks`
 * library (as any subscriber would) and parses the CloudEvent with the `cloudevents` package's HTTP
 * binding. It can be down (503), so tests see retries.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { HTTP, type CloudEvent } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import type { Harness } from './harness.js';

export interface Received {
  webhookId: string;
  verified: boolean;
  /** What the receiver answered: 200 when up, 503 while down. */
  status: number;
  event: CloudEvent<Record<string, unknown>> | null;
  contentType: string;
}

export class EventReceiver {
  readonly requests: Received[] = [];
  /** While false, every request is answered 503. */
  up = true;
  private listeners = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly secret: string,
  ) {}

  /** A receiver with a fresh Standard Webhooks secret (`whsec_` + 32 random bytes in base64). */
  static async start(): Promise<EventReceiver> {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hook = new Webhook(secret);
    let receiver: EventReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let verified = false;
        try {
          hook.verify(body, headers);
          verified = true;
        } catch {
          verified = false;
        }
        let event: CloudEvent<Record<string, unknown>> | null = null;
        try {
          event = HTTP.toEvent({ headers: req.headers, body }) as CloudEvent<Record<string, unknown>>;
        } catch {
          event = null;
        }
        const status = receiver!.up && verified ? 200 : receiver!.up ? 401 : 503;
        receiver!.requests.push({ webhookId: headers['webhook-id'] ?? '', verified, status, event, contentType: headers['content-type'] ?? '' });
        for (const l of [...receiver!.listeners]) l();
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    receiver = new EventReceiver(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, secret);
    return receiver;
  }

  /** The events it accepted (answered 200), in the order they arrived. */
  get accepted(): Array<CloudEvent<Record<string, unknown>>> {
    return this.requests.filter((r) => r.status === 200 && r.event).map((r) => r.event!);
  }

  /** Resolves once `predicate()` holds (checked after every request). */
  waitFor(predicate: () => boolean, timeoutMs = 30_000, what = 'requests'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`event receiver: no ${what} within ${timeoutMs} ms (${this.requests.length} requests)`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

/** Waits until AUREA fanned out every event and every delivery ended (delivered or parked). */
export async function eventsDrained(h: Harness, timeoutMs = 60_000): Promise<void> {
  await h.until(
    async () => {
      const [r] = await h.query<{ open: string }>(`SELECT (SELECT count(*) FROM event_outbox WHERE fanned_out_at IS NULL) + (SELECT count(*) FROM event_deliveries WHERE status IN ('waiting', 'queued')) AS open`);
      return Number(r!.open) === 0;
    },
    timeoutMs,
    'every event delivered',
  );
}
