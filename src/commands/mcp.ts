import type { Core } from '../core.js';
import { toolLabel } from '../mcp/servers.js';
import { noArgs, type CommandSpec } from './registry.js';

const POLICY_MARK = { allow: '✅ allow', ask: '❓ ask', deny: '⛔ deny' } as const;

/** `/mcp`: the founder's MCP servers (connected or down, with why), and each tool with the policy that applies to it. */
export function mcpCommand(core: Pick<Core, 'mcp'>): CommandSpec<string[]> {
  return {
    name: 'mcp',
    description: 'MCP servers and their tools, with what runs without a tap',
    args: noArgs,
    readOnly: true,
    async run(ctx) {
      const servers = await core.mcp.view();
      if (servers.length === 0) {
        await ctx.reply({ title: 'MCP', text: 'No MCP servers configured: add them under mcp.servers in aurea.config.yaml (README: MCP).' });
        return;
      }
      const lines = servers.flatMap((s) => [
        s.state === 'connected' ? `🟢 ${s.name} (${s.transport}): ${s.tools.length} tool${s.tools.length === 1 ? '' : 's'}` : `🔴 ${s.name} (${s.transport}): down: ${s.error}`,
        ...s.tools.map((t) => `  ${toolLabel(t)} — ${POLICY_MARK[t.policy]}${t.policyFrom === 'config' ? ' (config)' : t.policyFrom === 'readOnlyHint' ? ' (read-only)' : ''}`),
      ]);
      await ctx.reply({ title: `MCP (${servers.length} server${servers.length === 1 ? '' : 's'})`, text: lines.join('\n') });
    },
  };
}
