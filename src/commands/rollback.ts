import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Core } from '../core.js';
import type { TaskRow } from '../tasks/store.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';
import { namedService } from './service.js';

const args = z.tuple([z.string()], { error: 'name the service to roll back, e.g. /rollback billing' });

/**
 * `/rollback <service>`: puts the service back on the commit before its last task's deploy and
 * runs its `rollback` command, behind an approval (kind `rollback`, resumed by graphs/task/rollback.ts).
 */
export function rollbackCommand(core: Pick<Core, 'config' | 'taskStore' | 'approvals'>): CommandSpec<[string]> {
  return {
    name: 'rollback',
    description: 'Roll a service back to before its last task deploy (asks for approval)',
    usage: '<service>',
    args,
    async run(ctx, [service]) {
      namedService(core.config, service);
      const last = await core.taskStore.lastDeployed(service);
      if (!last?.previous_commit) throw new AureaError('INVALID_ARGUMENTS', `No task has deployed ${service} yet, so there is nothing to roll back to.`);
      await requestRollback(core, last, ctx.actor);
      await ctx.reply({ text: `↩ Asked for approval to roll ${service} back to ${last.previous_commit.slice(0, 7)}.` });
    },
  };
}

/**
 * Asks every founder to approve rolling `task`'s service back to the commit before its deploy
 * (an approval of kind `rollback`, resumed by graphs/task/rollback.ts); once per task.
 * @param why an extra first line (Diagnose's reason), if any
 */
export async function requestRollback(core: Pick<Core, 'config' | 'approvals'>, task: TaskRow, actor: Actor, why?: string): Promise<void> {
  const previous = task.previous_commit!.slice(0, 7);
  await core.approvals.request({
    kind: 'rollback',
    threadId: `rollback:${task.service}:${task.id}`,
    requestedBy: actor,
    expiresInMs: core.config.deploy.approvalTimeoutMs,
    payload: { service: task.service, task: task.id, commit: task.previous_commit },
    title: `Roll back ${task.service} to ${previous}?`,
    text: `${why ? `${why}\n` : ''}Undoes task #${task.id} (${task.request}, deployed ${task.deployed_commit?.slice(0, 7)}): resets ${task.service} to ${previous} and runs its rollback command.`,
    labels: { approve: '↩ Roll back', reject: '✋ Keep' },
  });
}
