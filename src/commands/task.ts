import { z } from 'zod';
import type { Core } from '../core.js';
import { APPROVAL_ACTION } from '../approvals/buttons.js';
import { handleApprovalTap } from '../approvals/tap.js';
import { AureaError } from '../errors.js';
import { sandboxAvailable } from '../sandbox/bwrap.js';
import type { TaskWorkflow } from '../tasks/port.js';
import { formatDuration } from '../duration.js';
import { noArgs, type CommandSpec } from './registry.js';
import { namedService } from './service.js';

const args = z.array(z.string()).min(2, { error: 'name the service and say what to do, e.g. /task billing make /health report the git sha' });

/**
 * `/task <service> <what to do>`: plan, code, test, approval, deploy, verify, learn. Refused, with
 * the install line, where the sandbox that the model's code must run in is missing (unless the
 * service says `sandbox: off`).
 */
export function taskCommand(core: Pick<Core, 'config'> & { taskWork: TaskWorkflow }): CommandSpec<string[]> {
  return {
    name: 'task',
    description: 'Have AUREA plan, code, test and (after your approval) deploy a change',
    usage: '<service> <what to do>',
    args,
    async run(ctx, [service, ...words]) {
      const svc = namedService(core.config, service!);
      const sandbox = svc.sandbox === 'off' ? ({ ok: true } as const) : sandboxAvailable();
      if (!sandbox.ok) {
        throw new AureaError('SANDBOX_UNAVAILABLE', `No task was started: the code a task's model writes runs only in a sandbox, and ${sandbox.reason}. (To run it unsandboxed anyway, write services.${service}.sandbox: off in aurea.config.yaml.)`);
      }
      const { taskId } = await core.taskWork.start({ service: service!, request: words.join(' '), requestedBy: ctx.actor });
      await ctx.reply({ text: `🛠 Task #${taskId} on ${service} started: I'll plan it, write and test the change, and ask for your approval before deploying.` });
    },
  };
}

const STATUS_ICON: Record<string, string> = { running: '⏳', deployed: '✅', rolled_back: '↩', rejected: '❌', stopped: '⏹' };

/** `/tasks`: the recent tasks with status, rounds, model cost and duration. */
export function tasksCommand(core: Pick<Core, 'taskStore' | 'ledger'>): CommandSpec<string[]> {
  return {
    name: 'tasks',
    readOnly: true,
    description: 'Recent tasks: status, rounds, cost, duration',
    args: noArgs,
    async run(ctx) {
      const tasks = await core.taskStore.recent(10);
      if (!tasks.length) {
        await ctx.reply({ text: 'No tasks yet. Start one with /task <service> <what to do>.' });
        return;
      }
      const costs = await Promise.all(tasks.map((t) => core.ledger.costOf(`task:${t.id}`)));
      const lines = tasks.map((t, i) => {
        const took = formatDuration((t.finished_at ?? new Date()).getTime() - t.created_at.getTime());
        return `${STATUS_ICON[t.status] ?? '•'} #${t.id} ${t.service}: ${t.request}\n  ${t.status.replace('_', ' ')}, ${t.rounds} round(s), $${costs[i]!.toFixed(4)}, ${took}${t.status === 'running' ? ' so far' : ''}${t.detail ? ` — ${t.detail}` : ''}`;
      });
      await ctx.reply({ title: 'Recent tasks', text: lines.join('\n') });
    },
  };
}

const taskId = z.tuple([z.string().regex(/^#?\d{1,18}$/, { error: 'give the task number, e.g. /cancel 12' })], { error: 'give the task number, e.g. /cancel 12' });

/**
 * `/cancel <task>`: stops a running task at its next node boundary (a running command is killed;
 * the deploy branch is not touched). A task waiting for approval is rejected, as a Reject tap would.
 */
export function cancelCommand(core: Pick<Core, 'taskStore' | 'taskWork' | 'approvals' | 'background' | 'approvalKinds' | 'config'>): CommandSpec<[string]> {
  return {
    name: 'cancel',
    description: 'Stop a running task',
    usage: '<task>',
    args: taskId,
    async run(ctx, [raw]) {
      const id = raw.replace(/^#/, '');
      const waiting = await core.taskWork.waitingApproval(id);
      if (waiting) {
        const answer = await handleApprovalTap(core, { kind: APPROVAL_ACTION, id: waiting.id, verb: 'reject' }, ctx.actor);
        await ctx.reply({ text: `Task #${id} was waiting for approval: ${answer}` });
        return;
      }
      const { task, requested } = await core.taskStore.requestCancel(id, ctx.actor);
      if (!task) throw new AureaError('INVALID_ARGUMENTS', `There is no task #${id}. /tasks lists them.`);
      if (!requested) {
        await ctx.reply({ text: task.status === 'running' ? `Task #${id} is already being cancelled.` : `Task #${id} already ended (${task.status.replace('_', ' ')}).` });
        return;
      }
      await ctx.reply({ text: `⏹ Cancelling task #${id}: it stops at its next step; nothing is deployed.` });
    },
  };
}
