import type { Actor } from '../actor.js';
import type { ApprovalRow } from '../approvals/row.js';

/**
 * The deploy workflow as the core sees it (implemented by graphs/deploy): start a deploy of a
 * configured service; it runs in the background, asks for approval, and reports to the founders.
 */
export interface DeployWorkflow {
  /**
   * Starts `tester → approval → deployer → verify (→ rollback)` for a service.
   * @returns the graph thread id, as soon as the run is started (it continues in the background)
   */
  start(input: { service: string; requestedBy: Actor }): Promise<{ threadId: string }>;
  /** The deploy of `service` waiting for a founder's decision, if any (one at a time). */
  waitingApproval(service: string): Promise<ApprovalRow | null>;
  /** The newest deploy approval of `service`, whatever its status (how a caller follows its request). */
  latestApproval(service: string): Promise<ApprovalRow | null>;
}

/**
 * Rollbacks as the core sees them (implemented by graphs/rollback): undo a task's deploy of a
 * service, behind an approval, on a worker, under the service's lease, with journalled steps.
 */
export interface RollbackWorkflow {
  /**
   * Starts `approval → rollback → verify → report`: asks the founders to roll `service` back to
   * `commit` (the one before task #`task` deployed), then resets its checkout there and runs its
   * `rollback` command.
   * @param why a first line for the request (Diagnose's reason), if any
   * @returns the graph thread id, as soon as the run is queued
   */
  start(input: { service: string; task: { id: string; request: string; commit: string; deployed: string | null }; requestedBy: Actor; why?: string }): Promise<{ threadId: string }>;
}
