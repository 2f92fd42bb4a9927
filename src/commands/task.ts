import { z } from 'zod';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { TaskWorkflow } from '../tasks/port.js';
import type { CommandSpec } from './registry.js';

const args = z.array(z.string()).min(2, { error: 'name the service and say what to do, e.g. /task billing make /health report the git sha' });

/** `/task <service> <what to do>`: plan, code, test, approval, deploy, verify, learn. */
export function taskCommand(core: Pick<Core, 'config'> & { taskWork: TaskWorkflow }): CommandSpec<string[]> {
  return {
    name: 'task',
    description: 'Have AUREA plan, code, test and (after your approval) deploy a change',
    usage: '<service> <what to do>',
    args,
    changesWorld: true,
    async run(ctx, [service, ...words]) {
      const svc = core.config.services[service!];
      const configured = Object.keys(core.config.services);
      if (!svc) {
        throw new AureaError('UNKNOWN_SERVICE', configured.length ? `There is no service "${service}". Configured: ${configured.join(', ')}.` : `There is no service "${service}": no services are configured yet.`);
      }
      const { taskId } = await core.taskWork.start({ service: service!, request: words.join(' '), requestedBy: ctx.actor });
      await ctx.reply({ text: `🛠 Task #${taskId} on ${service} started: I'll plan it, write and test the change, and ask for your approval before deploying.` });
    },
  };
}
