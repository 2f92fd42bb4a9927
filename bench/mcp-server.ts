/**
 * AUREA's MCP server as a coding agent meets it: the official SDK client over Streamable HTTP to
 * `POST /mcp` of a running AUREA (embedded Postgres, real Redis, fake Telegram), 200 `tools/list`
 * and 200 `status` calls, each timed from the client.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

const TOKEN = 'bench-mcp-token-0123456789abcdef';

export async function mcpServerBench(calls = 200): Promise<BenchResult> {
  const h = await Harness.create({ env: { MCP_TOKEN: TOKEN } });
  await h.start();
  const client = new Client({ name: 'bench', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${h.app!.httpPort}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    const time = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await fn(); // warm
      const samples: number[] = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      return `${round(percentile(samples, 50))} / ${round(percentile(samples, 95))}`;
    };
    const list = await time(() => client.listTools());
    const status = await time(() => client.callTool({ name: 'status', arguments: {} }));
    return {
      name: `AUREA's MCP server over Streamable HTTP (SDK client, ${calls} calls each, embedded Postgres)`,
      rows: [
        { metric: 'tools/list, p50 / p95', value: list, unit: 'ms' },
        { metric: 'tools/call status, p50 / p95', value: status, unit: 'ms' },
      ],
    };
  } finally {
    await client.close();
    await h.close();
  }
}
