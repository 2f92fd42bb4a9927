import type { Actor } from '../actor.js';
import type { ApprovalRow } from '../approvals/row.js';

/**
 * The workforce as the core sees it (implemented by graphs/task): start a task on a configured
 * service; it plans, codes, tests, asks for approval, deploys and verifies in the background,
 * reporting in its progress message.
 */
export interface TaskWorkflow {
  /**
   * @param input.fixes the error this task is meant to fix (Diagnose): remembered as solved when it deploys
 * @returns the task's id, as soon as it is queued
   * @throws AureaError UNKNOWN_SERVICE / INVALID_ARGUMENTS for a service that cannot take tasks
   */
  start(input: { service: string; request: string; requestedBy: Actor; fixes?: string }): Promise<{ taskId: string }>;
  /** Task #`taskId`'s approval request, while it waits for a decision. */
  waitingApproval(taskId: string): Promise<ApprovalRow | null>;
}
