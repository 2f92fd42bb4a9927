import { z } from 'zod';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { toolLabel } from '../mcp/servers.js';
import type { CommandSpec } from './registry.js';

const POLICY_MARK = { allow: '✅ allow', ask: '❓ ask', deny: '⛔ deny' } as const;
const FROM = { config: ' (config)', grant: ' (always allowed)', readOnlyHint: ' (read-only)', default: '' } as const;

/** `[]` lists; `["revoke", "<server>.<tool>"]` revokes an "always allow" grant. */
const mcpArgs = z.union([z.tuple([]), z.tuple([z.literal('revoke'), z.string().regex(/^[^.\s]+\.\S+$/)])], {
  error: 'send /mcp to list, or /mcp revoke <server>.<tool> to take back an "always allow"',
});

/**
 * `/mcp`: the founder's MCP servers (connected or down, with why), each tool with the policy that
 * applies to it and where it comes from, and the "always allow" grants; `/mcp revoke <server>.<tool>`
 * takes a grant back (the tool asks again).
 */
export function mcpCommand(core: Pick<Core, 'mcp' | 'db'>): CommandSpec<z.output<typeof mcpArgs>> {
  return {
    name: 'mcp',
    usage: '[revoke <server>.<tool>]',
    description: 'MCP servers and their tools, with what runs without a tap; revoke an "always allow"',
    args: mcpArgs,
    async run(ctx, args) {
      if (args.length === 2) {
        const label = args[1];
        const dot = label.indexOf('.');
        const revoked = (await core.mcp.grants?.revoke(label.slice(0, dot), label.slice(dot + 1))) ?? false;
        if (revoked) await audit(core.db.pool, ctx.actor, 'mcp.revoked', `mcp:${label}`, {});
        await ctx.reply({ text: revoked ? `${label} asks again before it runs.` : `${label} had no "always allow" (send /mcp to see them).` });
        return;
      }
      const servers = await core.mcp.view();
      if (servers.length === 0) {
        await ctx.reply({ title: 'MCP', text: 'No MCP servers configured: add them under mcp.servers in aurea.config.yaml (README: MCP).' });
        return;
      }
      const grants = (await core.mcp.grants?.list()) ?? [];
      const lines = servers.flatMap((s) => [
        s.state === 'connected' ? `🟢 ${s.name} (${s.transport}): ${s.tools.length} tool${s.tools.length === 1 ? '' : 's'}` : `🔴 ${s.name} (${s.transport}): down: ${s.error}`,
        ...s.tools.map((t) => `  ${toolLabel(t)} — ${POLICY_MARK[t.policy]}${FROM[t.policyFrom]}`),
      ]);
      if (grants.length) {
        lines.push('', 'Always allowed (/mcp revoke <server>.<tool>):', ...grants.map((g) => `  ${g.server}.${g.tool} — by ${g.granted_by}, ${g.granted_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`));
      }
      await ctx.reply({ title: `MCP (${servers.length} server${servers.length === 1 ? '' : 's'})`, text: lines.join('\n') });
    },
  };
}
