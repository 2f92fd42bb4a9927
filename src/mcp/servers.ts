/**
 * The founder's MCP servers (`mcp.servers` in aurea.config.yaml), one {@link McpConnection} each,
 * and the policy that says which of their tools run without a tap.
 */
import type { ToolSpec } from '../llm/types.js';
import type { Logger } from '../log.js';
import { withTimeout } from '../runtime/timed.js';
import type { McpConfig, ToolPolicy } from './config.js';
import { McpConnection, type McpConnectionOptions, type McpTool } from './connection.js';
import type { McpGrants } from './grants.js';

/** A tool with the policy that applies to it, and where that policy comes from. */
export interface McpToolView extends McpTool {
  policy: ToolPolicy;
  /** `config` (mcp.servers.<server>.tools), `grant` (♾ Always allow), `readOnlyHint`, or `default` (ask). */
  policyFrom: 'config' | 'grant' | 'readOnlyHint' | 'default';
}

/** How people name a tool (config, YAML, chat): `<server>.<tool>`. */
export const toolLabel = (t: { server: string; name: string }): string => `${t.server}.${t.name}`;

/** How models name it (providers allow no dots in tool names): `<server>__<tool>`. */
export const modelToolName = (t: { server: string; name: string }): string => `${t.server}__${t.name}`;

/** A tool as a model is given it: `<server>__<tool>`, its description (and `note`), its JSON Schema. */
export const modelToolSpec = (t: McpTool, note = ''): ToolSpec => ({ name: modelToolName(t), description: `${t.description ?? t.title ?? toolLabel(t)}${note}`, parameters: t.inputSchema });

/** A server's state as /mcp shows it. */
export interface McpServerView {
  name: string;
  transport: 'stdio' | 'http';
  state: 'connected' | 'down';
  /** Why it is down (command not found, exit code and stderr tail, HTTP status). */
  error?: string;
  tools: McpToolView[];
}

export class McpServers {
  private readonly connections: Map<string, McpConnection>;

  /**
   * @param events.onDown told once when a server stays down (AUREA raises an alert with it); onUp when it is back
   * @param grants the founders' "always allow" grants (none in `aurea doctor`)
   */
  constructor(
    private readonly config: McpConfig,
    log: Logger,
    events: Pick<McpConnectionOptions, 'onDown' | 'onUp'> = {},
    readonly grants?: McpGrants,
  ) {
    this.connections = new Map(Object.values(config.servers).map((s) => [s.name, new McpConnection(s, { timeoutMs: config.timeoutMs, log, ...events })]));
  }

  /** The configured server names, in the config's order. */
  names(): string[] {
    return [...this.connections.keys()];
  }

  /** One server's connection. @throws Error for a server nobody configured */
  connection(server: string): McpConnection {
    const c = this.connections.get(server);
    if (!c) throw new Error(`no MCP server named ${server} (configured: ${this.names().join(', ') || 'none'})`);
    return c;
  }

  /**
   * What runs without a tap, in this order: `mcp.servers.<server>.tools.<tool>` (the config wins),
   * then a founder's ♾ Always allow (`granted`) → allow, then the tool's `readOnlyHint: true` →
   * allow, anything else → ask.
   */
  policyOf(tool: McpTool, granted = false): Pick<McpToolView, 'policy' | 'policyFrom'> {
    const configured = this.config.servers[tool.server]?.tools[tool.name];
    if (configured) return { policy: configured, policyFrom: 'config' };
    if (granted) return { policy: 'allow', policyFrom: 'grant' };
    if (tool.annotations.readOnlyHint === true) return { policy: 'allow', policyFrom: 'readOnlyHint' };
    return { policy: 'ask', policyFrom: 'default' };
  }

  /** {@link policyOf} with the stored grants. */
  async policy(tool: McpTool): Promise<Pick<McpToolView, 'policy' | 'policyFrom'>> {
    return this.policyOf(tool, (await this.grants?.has(tool.server, tool.name)) ?? false);
  }

  /** {@link policyOf} for many tools, the grants read once. */
  async withPolicies(tools: readonly McpTool[]): Promise<McpToolView[]> {
    const granted = tools.length ? ((await this.grants?.labels().catch(() => undefined)) ?? new Set<string>()) : new Set<string>();
    return tools.map((t) => ({ ...t, ...this.policyOf(t, granted.has(toolLabel(t))) }));
  }

  /**
   * The tools of `servers` (default: all configured), from each connection's cache once it is open;
   * a server that is down, unknown, or slower than `withinMs` to list is left out. Never throws.
   */
  async toolsOf(servers: readonly string[] = this.names(), withinMs?: number): Promise<McpTool[]> {
    const lists = servers
      .filter((s) => this.connections.has(s))
      .map((s) => {
        const listed = this.connection(s).tools();
        return (withinMs === undefined ? listed : withTimeout(listed, withinMs)).catch(() => [] as McpTool[]);
      });
    return (await Promise.all(lists)).flat();
  }

  /** The tool `name` of `server`, or undefined when there is no such server or tool (or the server is down). */
  async findTool(server: string, name: string): Promise<McpTool | undefined> {
    return (await this.toolsOf([server])).find((t) => t.name === name);
  }

  /** Every server with its tools (connecting those not yet connected); a server that fails is shown down with why. Never throws. */
  async view(): Promise<McpServerView[]> {
    return Promise.all(
      [...this.connections.values()].map(async (c): Promise<McpServerView> => {
        try {
          await c.check();
          return { name: c.name, transport: c.config.transport, state: 'connected', tools: await this.withPolicies(await c.tools()) };
        } catch (err) {
          return { name: c.name, transport: c.config.transport, state: 'down', error: c.lastError ?? (err as Error).message, tools: [] };
        }
      }),
    );
  }

  /** Closes every connection (stdio servers' processes end with them). */
  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
  }
}
