import type pg from 'pg';
import { actorKey, type Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { Button, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Logger } from '../log.js';
import { approvalButtons, type ApprovalLabels } from './buttons.js';
import type { ApprovalKind } from './kind.js';
import type { ApprovalRow } from './row.js';

export type { ApprovalRow, ApprovalStatus } from './row.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type DecisionOutcome = { won: true; approval: ApprovalRow } | { won: false; approval: ApprovalRow | null };

/** "approved by Ada (telegram) at 2026-11-23 13:05 UTC" */
export function decisionLine(a: Pick<ApprovalRow, 'status' | 'decided_by' | 'decided_via' | 'decided_at'>): string {
  const when = a.decided_at ? `${a.decided_at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'unknown time';
  if (a.status === 'expired') return `⌛ Expired before anyone decided (noticed at ${when}). Nothing changed.`;
  const icon = a.status === 'approved' ? '✅' : a.status === 'rejected' ? '❌' : '⌛';
  return `${icon} ${a.status[0]!.toUpperCase()}${a.status.slice(1)} by ${a.decided_by ?? 'unknown'}${a.decided_via ? ` on ${a.decided_via}` : ''} at ${when}`;
}

/**
 * Approval requests of every kind (a deploy, a proposed command, …): stored in `approvals`, shown
 * to every founder chat (or the one chat given) with Approve/Reject buttons, decided by compare-and-set so that two taps or two processes yield one decision.
 */
export class ApprovalService {
  constructor(
    private readonly db: pg.Pool,
    private readonly broadcaster: Broadcaster,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the approval for a paused graph thread and shows it, once: calling it again for the same
   * thread and step (a node re-run on resume) returns the existing approval and sends nothing.
   * @param kind the approval kind (src/approvals/kind.ts); `input.payload` is checked against it
   * @param title the question ("Deploy billing?"); `text` the facts the founder decides on
   * @param expiresInMs after this long a tap expires the request instead of deciding it
   * @throws AureaError INVALID_ARGUMENTS when the payload does not fit the kind (nothing is stored)
   */
  async request<P>(kind: ApprovalKind<P, any>, input: {
    threadId: string;
    /** A second pause of the same thread needs its own step name (default `approval`). */
    step?: string;
    requestedBy: Actor;
    title: string;
    text: string;
    expiresInMs?: number;
    payload: P;
    /** Button labels, when Approve/Reject would not say what the choice does. */
    labels?: ApprovalLabels;
    /** A row of buttons under Approve/Reject that inform the decision (📄 Show diff); removed with them once decided. */
    moreButtons?: Button[];
    /** The status line while it waits (default "⏳ Waiting for a founder to decide"). */
    waitingStatus?: string;
    /**
     * Shows it in one chat instead of every founder chat (a proposal, where it was made); the
     * message can be edited later only if this returns its ref.
     */
    show?: (message: OutboundMessage) => Promise<MessageRef | void>;
  }): Promise<ApprovalRow> {
    const step = input.step ?? 'approval';
    const payload = kind.parse(input.payload);
    const inserted = await this.db.query<ApprovalRow>(
      `INSERT INTO approvals (kind, payload, title, body, requested_by, thread_id, step, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8::double precision / 1000))
       ON CONFLICT (thread_id, step) DO NOTHING RETURNING *`,
      [kind.kind, JSON.stringify(payload), input.title, input.text, actorKey(input.requestedBy), input.threadId, step, input.expiresInMs ?? null],
    );
    const created = inserted.rows[0];
    if (!created) {
      const existing = await this.db.query<ApprovalRow>('SELECT * FROM approvals WHERE thread_id = $1 AND step = $2', [input.threadId, step]);
      return existing.rows[0]!;
    }
    await audit(this.db, input.requestedBy, 'approval.requested', `approval:${created.id}`, { kind: kind.kind, thread: input.threadId, step });
    const message = {
      title: input.title,
      text: input.text,
      status: input.waitingStatus ?? '⏳ Waiting for a founder to decide',
      buttons: [...approvalButtons(created.id, input.labels), ...(input.moreButtons?.length ? [input.moreButtons] : [])],
    };
    const refs = input.show ? [await input.show(message)].filter((r): r is MessageRef => Boolean(r)) : (await this.broadcaster.broadcast(message)).refs;
    if (refs.length === 0) this.log.warn({ approval: created.id }, 'approval requested but no founder chat received it');
    const stored = await this.db.query<ApprovalRow>('UPDATE approvals SET messages = $2 WHERE id = $1 RETURNING *', [created.id, JSON.stringify(refs)]);
    const row = stored.rows[0]!;
    // A tap can win before the message refs are stored; the decision is then shown from here.
    if (row.status !== 'pending') await this.showDecision(row);
    return row;
  }

  /**
   * The oldest request of `kind` about `service` (payload.service) still waiting for a decision
   * and not expired, if any ("is a deploy of billing already waiting?").
   */
  async waitingFor<P extends { service: string }>(kind: ApprovalKind<P, any>, service: string): Promise<ApprovalRow | null> {
    return this.waiting(kind, 'service', service);
  }

  /** The oldest request of `kind` whose payload has `key` = `value`, still waiting and not expired. */
  async waiting<P>(kind: ApprovalKind<P, any>, key: keyof P & string, value: string): Promise<ApprovalRow | null> {
    const res = await this.db.query<ApprovalRow>(
      `SELECT * FROM approvals WHERE kind = $1 AND status = 'pending' AND payload->>$2 = $3
       AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at, id LIMIT 1`,
      [kind.kind, key, value],
    );
    return res.rows[0] ?? null;
  }

  /** The newest request of `kind` whose payload has `key` = `value`, whatever its status. */
  async latest<P>(kind: ApprovalKind<P, any>, key: keyof P & string, value: string): Promise<ApprovalRow | null> {
    const res = await this.db.query<ApprovalRow>(`SELECT * FROM approvals WHERE kind = $1 AND payload->>$2 = $3 ORDER BY created_at DESC, id DESC LIMIT 1`, [kind.kind, key, value]);
    return res.rows[0] ?? null;
  }

  /** The newest request a graph thread made (any kind, any status), if any. */
  async latestOfThread(threadId: string): Promise<ApprovalRow | null> {
    const res = await this.db.query<ApprovalRow>('SELECT * FROM approvals WHERE thread_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [threadId]);
    return res.rows[0] ?? null;
  }

  /** How many requests wait for a decision (not expired). */
  async pendingCount(): Promise<number> {
    const res = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM approvals WHERE status = 'pending' AND (expires_at IS NULL OR expires_at > now())`);
    return res.rows[0]?.n ?? 0;
  }

  /** The approval with this id; null for an unknown id, or one that is not a UUID (an old button, a forged one). */
  async get(id: string): Promise<ApprovalRow | null> {
    if (!UUID.test(id)) return null;
    const res = await this.db.query<ApprovalRow>('SELECT * FROM approvals WHERE id = $1', [id]);
    return res.rows[0] ?? null;
  }

  /**
   * Decides a pending approval: `UPDATE … WHERE status = 'pending' RETURNING`. Only the winner of
   * that compare-and-set may resume the graph. Past `expires_at` the tap expires the request
   * instead (status `expired`, to be resumed as a refusal). The outcome is audited;
   * {@link showDecision} then edits the request's messages.
   * @returns won=true with the decided row, or won=false with the row as it stands (null if unknown id)
   */
  async decide(id: string, approve: boolean, actor: Actor): Promise<DecisionOutcome> {
    if (!UUID.test(id)) return { won: false, approval: null };
    const res = await this.db.query<ApprovalRow>(
      `UPDATE approvals SET status = CASE WHEN expires_at < now() THEN 'expired' ELSE $2 END,
         decided_by = $3, decided_via = $4, decider = $5, decided_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id, approve ? 'approved' : 'rejected', actor.name, actor.platform, actorKey(actor)],
    );
    const won = res.rows[0];
    if (!won) return { won: false, approval: await this.get(id) };
    await audit(this.db, actor, `approval.${won.status}`, `approval:${id}`, { kind: won.kind, thread: won.thread_id });
    return { won: true, approval: won };
  }

  /** Records that the graph thread paused on this approval was resumed with its decision. */
  async markResumed(id: string): Promise<void> {
    await this.db.query('UPDATE approvals SET resumed_at = coalesce(resumed_at, now()) WHERE id = $1', [id]);
  }

  /**
   * Edits every message that showed the request: its text, then who decided and when; no buttons.
   * Reads the message refs afresh, since the tap may have raced the request's own bookkeeping.
   */
  async showDecision(approval: ApprovalRow): Promise<void> {
    const current = (await this.get(approval.id)) ?? approval;
    await this.broadcaster.editAll(current.messages, { title: current.title, text: current.body, status: decisionLine(current) });
  }
}
