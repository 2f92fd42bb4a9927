import type { MessageRef } from '../channels/port.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** An approval as stored in `approvals` (owned by src/approvals/service.ts). */
export interface ApprovalRow {
  /** A UUID: never the same in two databases, so a button or a job from before a reset cannot decide or resume a newer request. */
  id: string;
  kind: string;
  /** The kind's payload (ApprovalKind.payload); parse it with its kind before use. */
  payload: Record<string, unknown>;
  /** What the request showed: its question and the facts. */
  title: string;
  body: string;
  status: ApprovalStatus;
  /** Actor key of who asked (`telegram:123`, `system`). */
  requested_by: string;
  created_at: Date;
  /** Display name of who decided. */
  decided_by: string | null;
  decided_via: string | null;
  /** Actor key of who decided (`telegram:123`): who it was, whatever their display name. */
  decider: string | null;
  decided_at: Date | null;
  /** When its graph thread was resumed with the decision (graphs/runner.ts), if it was. */
  resumed_at: Date | null;
  thread_id: string;
  /** Which pause of the thread this is (`approval`; `recover` after an interrupted deploy). */
  step: string;
  messages: MessageRef[];
  expires_at: Date | null;
}
