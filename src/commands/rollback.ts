import { z } from 'zod';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';

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
    changesWorld: true,
    async run(ctx, [service]) {
      if (!core.config.services[service]) {
        throw new AureaError('UNKNOWN_SERVICE', `There is no service "${service}". Configured: ${Object.keys(core.config.services).join(', ') || 'none'}.`);
      }
      const last = await core.taskStore.lastDeployed(service);
      if (!last?.previous_commit) throw new AureaError('INVALID_ARGUMENTS', `No task has deployed ${service} yet, so there is nothing to roll back to.`);
      const previous = last.previous_commit.slice(0, 7);
      await core.approvals.request({
        kind: 'rollback',
        threadId: `rollback:${service}:${last.id}`,
        requestedBy: ctx.actor,
        expiresInMs: core.config.deploy.approvalTimeoutMs,
        payload: { service, task: last.id, commit: last.previous_commit },
        title: `Roll back ${service} to ${previous}?`,
        text: `Undoes task #${last.id} (${last.request}, deployed ${last.deployed_commit?.slice(0, 7)}): resets ${service} to ${previous} and runs its rollback command.`,
        labels: { approve: '↩ Roll back', reject: '✋ Keep' },
      });
      await ctx.reply({ text: `↩ Asked for approval to roll ${service} back to ${previous}.` });
    },
  };
}
