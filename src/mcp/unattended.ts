/**
 * MCP tools for work nobody watches as it runs (a scheduled agent's run, a task's developer): a tool
 * whose policy allows it runs (audited as the worker's actor); one that would ask, or is denied, is
 * refused with a sentence saying why, since nobody waits for a tap there.
 */
import type { Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import type { ToolSpec } from '../llm/types.js';
import { scrub } from '../secrets.js';
import { callMcpTool, untrusted } from './calls.js';
import type { ToolPolicy } from './config.js';
import type { McpTool } from './connection.js';
import { modelToolName, modelToolSpec, toolLabel } from './servers.js';

export interface UnattendedMcpTools {
  /** The tool named `<server>.<tool>` and its policy, or null when no configured server has it (or its server is down). */
  find(label: string): Promise<{ tool: McpTool; policy: ToolPolicy } | null>;
  /** Every tool of these servers, as the model is given them (`<server>__<tool>` → `<server>.<tool>`). */
  ofServers(servers: readonly string[]): Promise<{ specs: ToolSpec[]; labels: Map<string, string> }>;
  /** @returns the result (marked untrusted, scrubbed), or why it was refused; `refused` tells which */
  call(label: string, args: Record<string, unknown>): Promise<{ refused: boolean; text: string }>;
}

export function unattendedMcpTools(deps: Pick<Core, 'mcp' | 'config' | 'db'>, actor: Actor): UnattendedMcpTools {
  const find = async (label: string) => {
    const dot = label.indexOf('.');
    const tool = dot > 0 ? await deps.mcp.findTool(label.slice(0, dot), label.slice(dot + 1)) : undefined;
    return tool ? { tool, policy: (await deps.mcp.policy(tool)).policy } : null;
  };
  return {
    find,
    async ofServers(servers) {
      const tools = await deps.mcp.toolsOf(servers);
      return {
        specs: tools.map((t) => modelToolSpec(t)),
        labels: new Map(tools.map((t) => [modelToolName(t), toolLabel(t)])),
      };
    },
    async call(label, args) {
      const found = await find(label);
      if (!found) return { refused: true, text: `There is no MCP tool ${label} (or its server is down).` };
      if (found.policy !== 'allow') {
        await audit(deps.db.pool, actor, 'mcp.refused', `mcp:${label}`, { reason: found.policy === 'deny' ? 'policy deny' : 'would ask; unattended work never waits for a tap' });
        return { refused: true, text: `${label} was refused: ${found.policy === 'deny' ? 'the configuration denies it' : "it needs the founder's tap, and work that runs unattended never waits for one"}.` };
      }
      const outcome = await callMcpTool(deps, { server: found.tool.server, tool: found.tool.name, args, requester: actor });
      const text = scrub(outcome.text, deps.config.secrets);
      return { refused: false, text: untrusted(`mcp:${label}`, outcome.ok ? text : `(error) ${text}`) };
    },
  };
}
