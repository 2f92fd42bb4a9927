/**
 * `aurea mcp`: AUREA's MCP server on stdio, for a coding agent on the same machine (Claude Code,
 * Cursor): a relay between the agent's stdio and the running AUREA's `POST /mcp`, with MCP_TOKEN as
 * the bearer token. Messages are passed through unchanged (the official SDK's transports on both
 * sides), so the agent sees exactly the tools, annotations and approvals of the HTTP server; nothing
 * is written to stdout but protocol messages.
 */
import type { Config } from '../config.js';

/**
 * Runs the relay until the agent closes stdin or AUREA's server goes away.
 * @param url AUREA's MCP endpoint (`--url`, default `http://127.0.0.1:<PORT>/mcp`)
 * @returns exit code: 0 after a clean close, 2 without MCP_TOKEN
 */
export async function runMcpRelay(config: Pick<Config, 'mcpToken' | 'http'>, url: string | undefined): Promise<number> {
  if (!config.mcpToken) {
    console.error("aurea mcp: set MCP_TOKEN (the same as the running AUREA's) to reach its MCP server.");
    return 2;
  }
  const [{ StreamableHTTPClientTransport }, { StdioServerTransport }] = await Promise.all([import('@modelcontextprotocol/client'), import('@modelcontextprotocol/server/stdio')]);
  const endpoint = new URL(url ?? `http://127.0.0.1:${config.http.port}/mcp`);
  const upstream = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { Authorization: `Bearer ${config.mcpToken}` } } });
  const agent = new StdioServerTransport();
  return new Promise<number>((resolve) => {
    let closed = false;
    const close = (code: number) => {
      if (closed) return;
      closed = true;
      void Promise.allSettled([upstream.close(), agent.close()]).then(() => resolve(code));
    };
    agent.onmessage = (message) => {
      upstream.send(message).catch((err: unknown) => {
        console.error(`aurea mcp: ${endpoint.href} did not take the message: ${(err as Error).message}`);
        // A request that cannot be delivered is answered, so the agent does not wait forever.
        if ('id' in message && 'method' in message) void agent.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `AUREA is not reachable at ${endpoint.href}` } });
      });
    };
    upstream.onmessage = (message) => void agent.send(message);
    agent.onclose = () => close(0);
    upstream.onerror = (err) => console.error(`aurea mcp: ${err.message}`);
    void Promise.all([upstream.start(), agent.start()]).catch((err: unknown) => {
      console.error(`aurea mcp: ${(err as Error).message}`);
      close(1);
    });
  });
}
