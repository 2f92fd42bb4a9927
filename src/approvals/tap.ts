import type { Actor } from '../actor.js';
import type { TaskTracker } from '../runtime/tasks.js';
import { parseApprovalData } from './buttons.js';
import { decisionLine, type ApprovalRow, type ApprovalService } from './service.js';

/** Continues the work paused behind an approval (e.g. resumes the deploy graph). One per approval kind. */
export type ApprovalResumer = (approval: ApprovalRow) => Promise<void>;

export interface TapDeps {
  approvals: ApprovalService;
  tasks: TaskTracker;
  resumers: ReadonlyMap<string, ApprovalResumer>;
}

/**
 * Handles a founder's tap on an Approve/Reject button, whatever the channel. The decision is taken
 * by compare-and-set before anything is resumed, so a double tap or two processes resume once.
 * The resumed work runs in the background so the tap is answered at once.
 * @param data the button's data (`apv:<id>:approve|reject`)
 * @returns the short text to show the tapper (Telegram answerCallbackQuery / Slack ephemeral)
 */
export async function handleApprovalTap(deps: TapDeps, data: string, actor: Actor): Promise<string> {
  const parsed = parseApprovalData(data);
  if (!parsed) return 'This button is no longer valid.';
  const outcome = await deps.approvals.decide(parsed.approvalId, parsed.approve, actor);
  if (!outcome.won) {
    const a = outcome.approval;
    if (!a) return 'This approval no longer exists.';
    return `Already decided: ${decisionLine(a)}`;
  }
  const { approval } = outcome;
  const resumer = deps.resumers.get(approval.kind);
  if (resumer) deps.tasks.run(`resume ${approval.kind} ${approval.thread_id}`, () => resumer(approval));
  deps.tasks.run(`show decision ${approval.id}`, () => deps.approvals.showDecision(approval));
  if (approval.status === 'expired') return 'This request expired before a decision; nothing will change. Ask again if it is still wanted.';
  return parsed.approve ? 'Approved. Working on it…' : 'Rejected. Nothing will change.';
}
