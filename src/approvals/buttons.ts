import type { Button } from '../channels/port.js';

/** The tap action kind of approval buttons: they travel as `apv:<approval id>:<approve|reject>`. */
export const APPROVAL_ACTION = 'apv';

/** What the two buttons say (default ✅ Approve / ❌ Reject). */
export interface ApprovalLabels {
  approve: string;
  reject: string;
  /** Rejecting only drops the request (a Cancel): the button is not styled as dangerous. */
  plainReject?: boolean;
  /**
   * A second way to approve that also lets this kind of request through from now on (`♾ Always
   * allow`): verb `always`, decided as approve; the kind's resume is told (`how.always`).
   */
  approveAlways?: string;
}

/** The Approve (primary) and Reject (danger) buttons of an approval, with their labels. */
export function approvalButtons(approvalId: string, labels: ApprovalLabels = { approve: '✅ Approve', reject: '❌ Reject' }): Button[][] {
  return [
    [
      { label: labels.approve, action: { kind: APPROVAL_ACTION, id: approvalId, verb: 'approve' }, style: 'primary' },
      ...(labels.approveAlways ? [{ label: labels.approveAlways, action: { kind: APPROVAL_ACTION, id: approvalId, verb: 'always' } }] : []),
      { label: labels.reject, action: { kind: APPROVAL_ACTION, id: approvalId, verb: 'reject' }, ...(labels.plainReject ? {} : { style: 'danger' as const }) },
    ],
  ];
}
