/**
 * A task proposed from GitHub: an issue labelled `aurea`, or `@aurea <what to do>` in an issue
 * comment by an allowed login. GitHub alone never starts work: the founders get an approval of
 * kind `github-task` (▶ Run it / ✖ Not now), pinned to the service and the request it showed;
 * ▶ Run it starts the task as the founder who tapped.
 */
import { z } from 'zod';
import { defineApprovalKind } from '../approvals/kind.js';
import type { Core } from '../core.js';

export const GITHUB_TASK_APPROVAL = defineApprovalKind({
  kind: 'github-task',
  /** `source`: the issue or comment it came from (a link for the founder). */
  payload: z.strictObject({ service: z.string(), request: z.string().min(1).max(2_000), source: z.string() }),
  async resume(approval, decider, deps: Pick<Core, 'taskWork'>) {
    if (approval.status !== 'approved') return;
    const { service, request } = approval.payload;
    await deps.taskWork.start({ service, request, requestedBy: decider });
  },
  answer: (a) => (a.status === 'approved' ? 'Starting the task…' : 'Not now: nothing started.'),
  alreadyDecided: () => 'Already answered.',
});
