import { z } from 'zod';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { CommandSpec } from './registry.js';
import { namedService } from './service.js';

const args = z.tuple([z.string()], { error: 'name the service to deploy, e.g. /deploy billing' });

/**
 * `/deploy <service>`: starts a deploy graph run (tests → approval → deploy → verify → rollback on
 * failure). Refused while a deploy of the service waits for approval; told when another run holds
 * the service (the deploy then waits for it, once approved).
 */
export function deployCommand(core: Pick<Core, 'config' | 'deploys' | 'leases'>): CommandSpec<[string]> {
  return {
    name: 'deploy',
    description: 'Test, ask for approval, deploy, verify health, roll back on failure',
    usage: '<service>',
    args,
    async run(ctx, [service]) {
      const svc = namedService(core.config, service);
      if (!svc.deploy) throw new AureaError('INVALID_ARGUMENTS', `Service "${service}" has no deploy command in aurea.config.yaml.`);
      const waiting = await core.deploys.waitingApproval(service);
      if (waiting) {
        const asked = `${waiting.created_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
        throw new AureaError('INVALID_ARGUMENTS', `A deploy of ${service} is already waiting for approval (asked at ${asked}); approve or reject it first.`);
      }
      await core.deploys.start({ service, requestedBy: ctx.actor });
      const held = await core.leases.holderOf(service);
      const note = held ? ` ${held.what} is changing ${service} right now; once approved, this deploy waits for it.` : '';
      await ctx.reply({
        text: svc.test
          ? `🚀 Deploy of ${service} started: running its tests first. I'll ask for your approval when they pass.${note}`
          : `🚀 Deploy of ${service} started (no test command configured).${note}`,
      });
    },
  };
}
