/**
 * A fake Stripe API on 127.0.0.1 speaking the real wire format (docs.stripe.com/api): form-encoded
 * POST bodies, `Authorization: Bearer sk_…`, JSON objects, and errors as `{ error: { type, code,
 * message } }` with their HTTP status. The official SDK reaches it through STRIPE_API_BASE. Serves
 * `GET /v1/charges/:id` (from the openapi fixture, with the amounts a test sets) and
 * `POST /v1/refunds` (honouring Idempotency-Key, as Stripe does).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallRecorder } from './recorder.js';

const CHARGE = JSON.parse(readFileSync(new URL('../fixtures/stripe/charge.json', import.meta.url), 'utf8'));

export interface StripeCall {
  method: string;
  path: string;
  payload: Record<string, string>;
  idempotencyKey?: string;
  at: number;
  ok: boolean;
}

export class FakeStripeApi extends CallRecorder<StripeCall> {
  readonly secretKey = 'sk_test_aureaFake0000000000000000';
  private readonly charges = new Map<string, Record<string, any>>();
  private readonly refundsByKey = new Map<string, Record<string, any>>();
  private nextRefund = 1;

  private constructor(private readonly server: Server) {
    super();
  }

  static async start(): Promise<FakeStripeApi> {
    let fake!: FakeStripeApi;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeStripeApi(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  /** STRIPE_API_BASE for this fake. */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes a charge exist (the fixture's shape with this id, amount and email). */
  addCharge(id: string, amount: number, email: string): void {
    this.charges.set(id, { ...CHARGE, id, amount, amount_captured: amount, amount_refunded: 0, refunded: false, currency: 'usd', billing_details: { ...CHARGE.billing_details, email } });
  }

  /** What GET /v1/balance_transactions lists (newest first, as Stripe does). */
  balanceTransactions: Array<Record<string, any>> = [];

  /** Adds a balance transaction (`charge`, `refund`, `adjustment` …) `ago` ms ago, amount in cents. */
  addBalanceTransaction(type: string, amount: number, agoMs = 3_600_000, reportingCategory = type): void {
    const created = Math.floor((Date.now() - agoMs) / 1000);
    this.balanceTransactions.unshift({ id: `txn_fake${this.balanceTransactions.length + 1}`, object: 'balance_transaction', type, reporting_category: reportingCategory, amount, currency: 'usd', created, fee: 0, net: amount, status: 'available' });
    this.balanceTransactions.sort((a, b) => b.created - a.created);
  }

  refunds(): Array<Record<string, any>> {
    return [...this.refundsByKey.values()];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const payload = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = (req.url ?? '').split('?')[0]!;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const send = (status: number, body: unknown) => {
      this.record({ method: req.method ?? '', path, payload, ...(idempotencyKey ? { idempotencyKey } : {}), at: performance.now(), ok: status < 400 });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${Date.now()}` });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, type: string, code: string, message: string) => send(status, { error: { type, code, message } });
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) return error(401, 'invalid_request_error', 'api_key_invalid', 'Invalid API Key provided.');
    const charge = /^\/v1\/charges\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && charge) {
      const c = this.charges.get(charge[1]!);
      return c ? send(200, c) : error(404, 'invalid_request_error', 'resource_missing', `No such charge: '${charge[1]}'`);
    }
    if (req.method === 'GET' && path === '/v1/balance_transactions') {
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const gte = Number(query.get('created[gte]') ?? 0);
      const data = this.balanceTransactions.filter((t) => t.created >= gte).slice(0, Number(query.get('limit') ?? 10));
      return send(200, { object: 'list', data, has_more: false, url: '/v1/balance_transactions' });
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const replay = idempotencyKey ? this.refundsByKey.get(idempotencyKey) : undefined;
      if (replay) return send(200, replay);
      const c = this.charges.get(payload.charge ?? '');
      if (!c) return error(404, 'invalid_request_error', 'resource_missing', `No such charge: '${payload.charge}'`);
      const amount = Number(payload.amount ?? c.amount - c.amount_refunded);
      if (amount > c.amount - c.amount_refunded) return error(400, 'invalid_request_error', 'amount_too_large', `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${((c.amount - c.amount_refunded) / 100).toFixed(2)})`);
      c.amount_refunded += amount;
      const refund = { id: `re_fake${this.nextRefund++}`, object: 'refund', amount, charge: c.id, currency: c.currency, status: 'succeeded', created: Math.floor(Date.now() / 1000) };
      this.refundsByKey.set(idempotencyKey ?? refund.id, refund);
      return send(200, refund);
    }
    return error(404, 'invalid_request_error', 'resource_missing', `Unrecognized request URL (${req.method}: ${path}).`);
  }
}
