import { actorKey, type Actor } from '../actor.js';
import type { TapAction } from '../channels/action.js';
import type { Config } from '../config.js';
import type { BackgroundWork } from '../runtime/background.js';
import type { ApprovalKinds } from './kind.js';
import { decisionLine, type ApprovalService } from './service.js';

export interface TapDeps {
  approvals: ApprovalService;
  background: BackgroundWork;
  /** The registered approval kinds: what a decided approval resumes (src/approvals/kind.ts). */
  approvalKinds: ApprovalKinds;
  config: Pick<Config, 'approvals'>;
}

const EXPIRED = 'This request expired before a decision; nothing will change. Ask again if it is still wanted.';

/**
 * Why `actor` may not decide this request, or null when they may: nobody decides a request about
 * themselves (`/unpair` of their own account: neither way), and where
 * `approvals.<kind>.separateApprover` is on, nobody approves their own request (withdrawing it is fine).
 */
function mayNotDecide(deps: TapDeps, approval: { kind: string; requested_by: string }, subject: string | undefined, actor: Actor, approve: boolean): string | null {
  const who = actorKey(actor);
  if (subject === who) return 'This request is about you, so another founder must decide it.';
  if (approve && deps.config.approvals[approval.kind]?.separateApprover && approval.requested_by === who) {
    return `You asked for this, and approvals.${approval.kind}.separateApprover requires someone else to decide it: another founder must tap.`;
  }
  return null;
}

/**
 * Handles a founder's tap on an approval's button (`apv:<uuid>:approve|always|reject`; `always`
 * only on kinds that offer it), whatever the channel
 * and whatever the approval's kind. Who may decide is checked first (not the subject of the request;
 * not its requester where the kind wants a separate approver); then the decision is taken by
 * compare-and-set before anything is resumed, so a double tap or two processes resume once. The
 * resumed work runs in the background so the tap is answered at once; the request's messages are
 * edited on every channel.
 * @returns the short text to show the tapper (Telegram answerCallbackQuery / Slack ephemeral)
 */
export async function handleApprovalTap(deps: TapDeps, action: TapAction, actor: Actor): Promise<string> {
  if (action.verb !== 'approve' && action.verb !== 'reject' && action.verb !== 'always') return 'This button is no longer valid.';
  const approve = action.verb !== 'reject';
  const current = await deps.approvals.get(action.id);
  if (!current) return 'This approval no longer exists.';
  const kind = deps.approvalKinds.get(current.kind);
  const always = action.verb === 'always';
  if (always && !kind?.approvesAlways) return 'This button is no longer valid.';
  if (current.status === 'pending') {
    const refusal = mayNotDecide(deps, current, kind?.subject(current), actor, approve);
    if (refusal) return refusal;
  }
  const outcome = await deps.approvals.decide(action.id, approve, actor);
  if (!outcome.won) {
    const a = outcome.approval;
    if (!a) return 'This approval no longer exists.';
    return kind?.alreadyDecided(a) ?? `Already decided: ${decisionLine(a)}`;
  }
  const { approval } = outcome;
  if (kind) deps.background.run(`resume ${approval.kind} ${approval.thread_id}`, () => kind.resume(approval, actor, { always: always && approval.status === 'approved' }));
  deps.background.run(`show decision ${approval.id}`, () => deps.approvals.showDecision(approval));
  if (approval.status === 'expired') return EXPIRED;
  return kind?.answer(approval) ?? (approve ? 'Approved. Working on it…' : 'Rejected. Nothing will change.');
}
