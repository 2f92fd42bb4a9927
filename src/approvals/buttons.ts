import type { Button } from '../channels/port.js';

/**
 * Approval buttons carry `apv:<approval id>:<approve|reject>` as their callback data
 * (Telegram allows 1-64 bytes of callback_data; this is at most 32).
 */
const DATA = /^apv:(\d{1,20}):(approve|reject)$/;

/** What the two buttons say (default ✅ Approve / ❌ Reject). */
export interface ApprovalLabels {
  approve: string;
  reject: string;
}

export function approvalButtons(approvalId: string, labels: ApprovalLabels = { approve: '✅ Approve', reject: '❌ Reject' }): Button[][] {
  return [
    [
      { label: labels.approve, data: `apv:${approvalId}:approve`, style: 'primary' },
      { label: labels.reject, data: `apv:${approvalId}:reject`, style: 'danger' },
    ],
  ];
}

/** @returns the approval id and decision encoded in a button's data, or null when it is not an approval button */
export function parseApprovalData(data: string): { approvalId: string; approve: boolean } | null {
  const m = DATA.exec(data);
  return m ? { approvalId: m[1]!, approve: m[2] === 'approve' } : null;
}
