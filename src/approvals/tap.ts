import type { Actor } from '../actor.js';
import type { TapAction } from '../channels/action.js';
import type { TaskTracker } from '../runtime/tasks.js';
import { decisionLine, type ApprovalRow, type ApprovalService } from './service.js';

/**
 * What an approval kind does once decided. One per kind (`deploy`: resumes the deploy graph;
 * `command`: runs a proposed command), registered by the composition root.
 */
export interface ApprovalResumer {
  /** Continues the work paused behind the approval; runs in the background. `decider` tapped. */
  resume(approval: ApprovalRow, decider: Actor): Promise<void>;
  /** The tapper's answer when their tap decided it (default: Approved. Working on it… / Rejected. Nothing will change.). */
  answer?(approval: ApprovalRow): string;
  /** The tapper's answer when it was decided before (default: Already decided: <who, when>). */
  alreadyDecided?(approval: ApprovalRow): string;
}

export interface TapDeps {
  approvals: ApprovalService;
  tasks: TaskTracker;
  resumers: ReadonlyMap<string, ApprovalResumer>;
}

const EXPIRED = 'This request expired before a decision; nothing will change. Ask again if it is still wanted.';

/**
 * Handles a founder's tap on an approval's button (`apv:<id>:approve|reject`), whatever the channel
 * and whatever the approval's kind. The decision is taken by compare-and-set before anything is
 * resumed, so a double tap or two processes resume once. The resumed work runs in the background so
 * the tap is answered at once; the request's messages are edited on every channel.
 * @returns the short text to show the tapper (Telegram answerCallbackQuery / Slack ephemeral)
 */
export async function handleApprovalTap(deps: TapDeps, action: TapAction, actor: Actor): Promise<string> {
  if (action.verb !== 'approve' && action.verb !== 'reject') return 'This button is no longer valid.';
  const approve = action.verb === 'approve';
  const outcome = await deps.approvals.decide(action.id, approve, actor);
  if (!outcome.won) {
    const a = outcome.approval;
    if (!a) return 'This approval no longer exists.';
    return deps.resumers.get(a.kind)?.alreadyDecided?.(a) ?? `Already decided: ${decisionLine(a)}`;
  }
  const { approval } = outcome;
  const resumer = deps.resumers.get(approval.kind);
  if (resumer) deps.tasks.run(`resume ${approval.kind} ${approval.thread_id}`, () => resumer.resume(approval, actor));
  deps.tasks.run(`show decision ${approval.id}`, () => deps.approvals.showDecision(approval));
  if (approval.status === 'expired') return EXPIRED;
  return resumer?.answer?.(approval) ?? (approve ? 'Approved. Working on it…' : 'Rejected. Nothing will change.');
}
