import { z } from 'zod';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';
import { namedService } from './service.js';

const args = z.tuple([z.string()], { error: 'name the service to roll back, e.g. /rollback billing' });

/**
 * `/rollback <service>`: puts the service back on the commit before its last task's deploy and
 * runs its `rollback` command: a rollback graph run on a worker (graphs/rollback), behind an
 * approval, under the service's lease.
 */
export function rollbackCommand(core: Pick<Core, 'config' | 'taskStore' | 'rollbacks'>): CommandSpec<[string]> {
  return {
    name: 'rollback',
    description: 'Roll a service back to before its last task deploy (asks for approval)',
    usage: '<service>',
    args,
    async run(ctx, [service]) {
      namedService(core.config, service);
      const last = await core.taskStore.lastDeployed(service);
      if (!last?.previous_commit) throw new AureaError('INVALID_ARGUMENTS', `No task has deployed ${service} yet, so there is nothing to roll back to.`);
      await core.rollbacks.start({ service, task: { id: last.id, request: last.request, commit: last.previous_commit, deployed: last.deployed_commit }, requestedBy: ctx.actor });
      await ctx.reply({ text: `↩ Asked for approval to roll ${service} back to ${last.previous_commit.slice(0, 7)}.` });
    },
  };
}
