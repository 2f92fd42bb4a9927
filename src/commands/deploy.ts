import { z } from 'zod';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';
import { namedService } from './service.js';

const args = z.tuple([z.string()], { error: 'name the service to deploy, e.g. /deploy billing' });

export function deployCommand(core: Pick<Core, 'config' | 'deploys' | 'approvals'>): CommandSpec<[string]> {
  return {
    name: 'deploy',
    description: 'Test, ask for approval, deploy, verify health, roll back on failure',
    usage: '<service>',
    args,
    async run(ctx, [service]) {
      const svc = namedService(core.config, service);
      if (!svc.deploy) throw new AureaError('INVALID_ARGUMENTS', `Service "${service}" has no deploy command in aurea.config.yaml.`);
      const waiting = await core.approvals.waitingFor('deploy', service);
      if (waiting) {
        throw new AureaError('INVALID_ARGUMENTS', `A deploy of ${service} is already waiting for approval (request #${waiting.id}); approve or reject it first.`);
      }
      await core.deploys.start({ service, requestedBy: ctx.actor });
      await ctx.reply({
        text: svc.test
          ? `🚀 Deploy of ${service} started: running its tests first. I'll ask for your approval when they pass.`
          : `🚀 Deploy of ${service} started (no test command configured).`,
      });
    },
  };
}
