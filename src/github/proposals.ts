/**
 * A task proposed from GitHub: an issue labelled `aurea`, or `@aurea <what to do>` in an issue
 * comment by an allowed login. GitHub alone never starts work: the founders get an approval of
 * kind `github-task` (▶ Run it / ✖ Not now), pinned to the service and the request it showed;
 * ▶ Run it starts the task as the founder who tapped. Likewise a pull request a person merged
 * into a service's base branch (`deploy.onMerge: propose`): ▶ Deploy starts /deploy, which tests
 * and asks for its approval as usual.
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

export const GITHUB_DEPLOY_APPROVAL = defineApprovalKind({
  kind: 'github-deploy',
  payload: z.strictObject({ service: z.string(), pr: z.number().int().positive(), source: z.string() }),
  async resume(approval, decider, deps: Pick<Core, 'deploys'>) {
    if (approval.status !== 'approved') return;
    await deps.deploys.start({ service: approval.payload.service, requestedBy: decider });
  },
  answer: (a) => (a.status === 'approved' ? 'Starting the deploy…' : 'Not now: nothing deployed.'),
  alreadyDecided: () => 'Already answered.',
});
