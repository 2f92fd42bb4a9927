/**
 * One configured MCP server, as AUREA's client sees it (the official TypeScript SDK,
 * `@modelcontextprotocol/client`): connected on first use, its `tools/list` cached and refreshed on
 * `notifications/tools/list_changed`, every request bounded by `mcp.timeout`, restarted with backoff
 * after it dies (a stdio server's process is spawned again), the founder told once when it stays
 * down, and closed on shutdown (a stdio server's process is ended with its transport).
 */
import type { Client, Tool } from '@modelcontextprotocol/client';
import type { Logger } from '../log.js';
import { withTimeout } from '../runtime/timed.js';
import type { McpServerConfig } from './config.js';

/** A tool as AUREA keeps it: its server, its name there, its JSON Schema and annotations. */
export interface McpTool {
  server: string;
  name: string;
  title?: string;
  description?: string;
  /** JSON Schema of its arguments (MCP `inputSchema`). */
  inputSchema: Record<string, unknown>;
  /** MCP tool annotations (hints, not guarantees): `readOnlyHint`, `destructiveHint`, … */
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean; title?: string };
}

/** What a tools/call returned (MCP CallToolResult), as the SDK parses it. */
export type McpCallResult = Awaited<ReturnType<Client['callTool']>>;

export type McpState = 'idle' | 'connected' | 'down';

/** Why a server could not be reached (shown by /mcp and `aurea doctor`). */
export class McpUnavailableError extends Error {
  constructor(readonly server: string, reason: string) {
    super(`MCP server ${server} is unavailable: ${reason}`);
    this.name = 'McpUnavailableError';
  }
}

export interface McpConnectionOptions {
  /** Per request, ms (`mcp.timeout`). */
  timeoutMs: number;
  log: Logger;
  /** Called once when the server has failed `downAfter` connection attempts in a row (and again only after it came back). */
  onDown?: (server: string, reason: string) => void;
  /** Called when a server that was reported down connects again. */
  onUp?: (server: string) => void;
  /** Failed attempts before the server counts as down (default 3). */
  downAfter?: number;
  /** First restart delay, doubled each time up to 30 s (default 1 s). */
  backoffMs?: number;
}

/** The SDK's client info and version, sent in `initialize`. */
const CLIENT_INFO = { name: 'aurea', version: '0.1.0' };

/** How long closing a connection may take (a DELETE of the session, ending a process). */
const CLOSE_MS = 3_000;

/** Lines of a stdio server's stderr kept for errors (`aurea doctor` shows the tail). */
const STDERR_LINES = 20;

export class McpConnection {
  state: McpState = 'idle';
  /** The last connection error, for /mcp and doctor. */
  lastError?: string;
  private client?: Client;
  private connecting?: Promise<Client>;
  private toolList?: McpTool[];
  private failures = 0;
  private closing = false;
  private restartTimer?: NodeJS.Timeout;
  private toldDown = false;
  private stderrTail: string[] = [];

  constructor(readonly config: McpServerConfig, private readonly options: McpConnectionOptions) {}

  get name(): string {
    return this.config.name;
  }

  /**
   * The server's tools, from the cache after the first `tools/list` (refreshed when the server says its list changed).
   * @throws McpUnavailableError when it cannot be reached
   */
  async tools(): Promise<McpTool[]> {
    if (this.toolList) return this.toolList;
    const client = await this.connected();
    return (this.toolList = await this.listTools(client));
  }

  /**
   * Calls a tool once. A call that could not be delivered (the server was restarted and forgot the
   * session, or it is not listening) reconnects and is sent again; a call the server may have
   * received is never repeated.
   * @param args the tool's arguments (validated by the server against its inputSchema)
   * @throws McpUnavailableError when the server cannot be reached; the SDK's error on a timeout or protocol error
   */
  async call(tool: string, args: Record<string, unknown>): Promise<McpCallResult> {
    const client = await this.connected();
    try {
      return await client.callTool({ name: tool, arguments: args }, { timeout: this.options.timeoutMs });
    } catch (err) {
      if (!notDelivered(err)) throw err;
      this.options.log.info({ server: this.name, err: String(err) }, 'mcp: the server lost the session; reconnecting');
      await this.reset();
      return (await this.connected()).callTool({ name: tool, arguments: args }, { timeout: this.options.timeoutMs });
    }
  }

  /**
   * Whether a connected server still answers (MCP `ping`): an HTTP server that died leaves no
   * connection behind to notice it by. One that does not answer is dropped, so the next use
   * connects again (and counts towards "down"). Never throws.
   */
  async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.ping({ timeout: Math.min(this.options.timeoutMs, 5_000) });
    } catch (err) {
      if (this.client !== client) return;
      this.options.log.warn({ server: this.name, err: String(err) }, 'mcp: server stopped answering');
      await this.reset();
    }
  }

  /** Closes the connection (and a stdio server's process); no restart follows. Bounded: a dead HTTP server does not hold up shutdown. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await withTimeout(client.close(), CLOSE_MS).catch(() => undefined);
  }

  private async connected(): Promise<Client> {
    if (this.closing) throw new McpUnavailableError(this.name, 'AUREA is shutting down');
    if (this.client) return this.client;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const { Client } = await import('@modelcontextprotocol/client');
    const client = new Client(CLIENT_INFO, {
      listChanged: {
        tools: {
          onChanged: (err, tools) => {
            if (err || !tools) this.toolList = undefined; // listed again on next use
            else this.toolList = tools.map((t) => toMcpTool(this.name, t));
            this.options.log.info({ server: this.name, tools: tools?.length }, 'mcp: tool list changed');
          },
        },
      },
    });
    try {
      await this.connectTransport(client);
    } catch (err) {
      await client.close().catch(() => undefined);
      this.failed(describe(err, this.stderrTail));
      throw new McpUnavailableError(this.name, this.lastError!);
    }
    client.onclose = () => this.lost(client);
    this.client = client;
    this.state = 'connected';
    this.failures = 0;
    this.lastError = undefined;
    if (this.toldDown) {
      this.toldDown = false;
      this.options.log.info({ server: this.name }, 'mcp: server is back');
      this.options.onUp?.(this.name);
    }
    this.options.log.info({ server: this.name, version: client.getServerVersion()?.version }, 'mcp: connected');
    return client;
  }

  /** stdio: spawn the command; http: Streamable HTTP, falling back to the older HTTP+SSE transport. */
  private async connectTransport(client: Client): Promise<void> {
    const c = this.config;
    if (c.transport === 'stdio') {
      const { StdioClientTransport, getDefaultEnvironment } = await import('@modelcontextprotocol/client/stdio');
      // The SDK's safe default environment (PATH, HOME, …) plus what the config names: never AUREA's secrets.
      const transport = new StdioClientTransport({ command: c.command, args: c.args, env: { ...getDefaultEnvironment(), ...c.env }, stderr: 'pipe' });
      this.stderrTail = [];
      transport.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_LINES));
      });
      await client.connect(transport, { timeout: this.options.timeoutMs });
      return;
    }
    const { StreamableHTTPClientTransport, SSEClientTransport } = await import('@modelcontextprotocol/client');
    const requestInit = { headers: c.headers };
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(c.url), { requestInit }), { timeout: this.options.timeoutMs });
    } catch (err) {
      // A 2024-11-05 server answers the Streamable HTTP POST with 4xx: try its HTTP+SSE transport
      // (the SDK's documented backwards-compatibility path).
      if (!/\b(400|404|405)\b/.test(String((err as Error).message))) throw err;
      await client.connect(new SSEClientTransport(new URL(c.url), { requestInit }), { timeout: this.options.timeoutMs });
    }
  }

  private async listTools(client: Client): Promise<McpTool[]> {
    const { tools } = await client.listTools(undefined, { timeout: this.options.timeoutMs });
    return tools.map((t) => toMcpTool(this.name, t));
  }

  /** Drops the client so that the next use connects again. */
  private async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.toolList = undefined;
    if (client) {
      client.onclose = undefined;
      await withTimeout(client.close(), CLOSE_MS).catch(() => undefined);
    }
  }

  /** The connection closed without close(): restart it with backoff (a stdio server's process has ended). */
  private lost(client: Client): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    this.toolList = undefined;
    this.options.log.warn({ server: this.name, stderr: this.stderrTail.slice(-3) }, 'mcp: server connection closed; restarting');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closing) return;
    const base = this.options.backoffMs ?? 1_000;
    const delay = Math.min(30_000, base * 2 ** Math.min(this.failures, 5));
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.connected().catch(() => this.scheduleRestart());
    }, delay);
    this.restartTimer.unref();
  }

  private failed(reason: string): void {
    this.failures++;
    this.lastError = reason;
    if (this.failures >= (this.options.downAfter ?? 3)) {
      this.state = 'down';
      if (!this.toldDown) {
        this.toldDown = true;
        this.options.onDown?.(this.name, reason);
      }
    }
  }
}

/**
 * Whether a failed call certainly never reached a tool (so sending it again cannot run it twice):
 * the HTTP transport's 404 (MCP Streamable HTTP: the server does not know the session, e.g. after a
 * restart; some servers answer 400 naming the session instead), a transport that is not connected,
 * or a connection refused. Anything else, a JSON-RPC error from the server (whatever its text says),
 * a reset connection or a timeout, may have run the tool, and is not sent again.
 */
export function notDelivered(err: unknown): boolean {
  const e = err as { status?: unknown; code?: unknown; message?: unknown } | null;
  if (typeof e?.status === 'number') return e.status === 404 || (e.status === 400 && /session/i.test(String(e.message)));
  if (e?.code === 'NOT_CONNECTED') return true;
  for (let c = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; c && depth < 5; c = c.cause as typeof c, depth++) {
    if (c.code === 'ECONNREFUSED') return true;
  }
  return false;
}

/** A readable reason: command not found, exit code and stderr tail, HTTP status. */
function describe(err: unknown, stderr: readonly string[]): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return `command not found (${e.path ?? 'spawn'})`;
  const tail = stderr.length ? `; stderr: ${stderr.slice(-3).join(' | ')}` : '';
  return `${(e?.message ?? String(err)).split('\n')[0]}${tail}`;
}

function toMcpTool(server: string, t: Tool): McpTool {
  return {
    server,
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    ...(t.description ? { description: t.description } : {}),
    inputSchema: t.inputSchema as Record<string, unknown>,
    annotations: { ...(t.annotations ?? {}) },
  };
}
