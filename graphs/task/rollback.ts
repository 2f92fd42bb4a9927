import { audit } from '../../src/audit/log.js';
import type { ApprovalResumer } from '../../src/approvals/tap.js';
import type { Core } from '../../src/core.js';
import { describeError } from '../../src/errors.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { describeStep, runStep, tailBlock } from '../deploy/step.js';
import { resetTo } from './git.js';

/**
 * The resumer of `rollback` approvals (/rollback <service>): once approved, resets the service's
 * checkout to the commit before its last task's deploy, runs its `rollback` command, marks the task
 * rolled back and tells the founders.
 */
export function createRollbackResumer(deps: Pick<Core, 'config' | 'db' | 'broadcaster'> & { taskStore: TaskStore }): ApprovalResumer {
  return {
    async resume(approval, decider) {
      if (approval.status !== 'approved') return;
      const { service, task, commit } = approval.payload as unknown as { service: string; task: string; commit: string };
      const svc = deps.config.services[service];
      if (!svc) return;
      let text: string;
      try {
        await resetTo(svc.repo, commit);
        const run = await runStep(deps, svc, svc.rollback);
        await deps.taskStore.markRolledBack(task, `rolled back to ${commit.slice(0, 7)} by ${decider.name}`);
        await audit(deps.db.pool, decider, run.ok ? 'task.rolled_back' : 'task.rollback_failed', `service:${service}`, { task, restored: commit });
        text = run.ok
          ? `↩ ${service} rolled back to ${commit.slice(0, 7)} (rollback ${describeStep(run)}).`
          : `${service} was reset to ${commit.slice(0, 7)} but its rollback command ${describeStep(run)}. The service needs you.${tailBlock(run, 5)}`;
      } catch (err) {
        text = `Rolling back ${service} failed: ${describeError(err)}`;
      }
      await deps.broadcaster.broadcast({ text });
    },
    answer: (a) => (a.status === 'approved' ? 'Rolling back…' : 'Kept as it is.'),
  };
}
