/**
 * What AUREA adds to an MCP tool call: 200 `read_text_file` calls to
 * `@modelcontextprotocol/server-filesystem` over stdio, made directly with the official SDK client
 * and through AUREA (`callMcpTool`: its connection, the result cap, and the `mcp.call` audit row in
 * embedded Postgres). Calls alternate between the two so that both see the same machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CHANNELS } from '../bots/channels.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { callMcpTool } from '../src/mcp/calls.js';
import { McpServers } from '../src/mcp/servers.js';
import { percentile, round, type BenchResult } from './stats.js';

const FILESYSTEM = resolve(import.meta.dirname, '../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

export async function mcpClientBench(calls = 200): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aurea-bench-mcp-'));
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'ship on friday\n');
  const configFile = join(dir, 'aurea.config.yaml');
  writeFileSync(configFile, `mcp:\n  servers:\n    files: { command: ${process.execPath}, args: [${FILESYSTEM}, ${dir}] }\n`);
  const config = loadConfig({ AUREA_DATA_DIR: join(dir, 'data') }, CHANNELS, configFile);
  const db = await openDatabase(config);
  const mcp = new McpServers(config.mcp, createLogger('silent', []));
  const direct = new Client({ name: 'bench', version: '1' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: [FILESYSTEM, dir], stderr: 'ignore' }));
  try {
    await migrate(db.pool);
    const deps = { mcp, config, db };
    const actor = { platform: 'system', id: 'bench', name: 'bench' };
    const args = { path: file };
    // Warm both (connection, JIT) before timing.
    for (let i = 0; i < 10; i++) {
      await direct.callTool({ name: 'read_text_file', arguments: args });
      await callMcpTool(deps, { server: 'files', tool: 'read_text_file', args, requester: actor });
    }
    const sdk: number[] = [];
    const aurea: number[] = [];
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      await direct.callTool({ name: 'read_text_file', arguments: args });
      sdk.push(performance.now() - t);
      t = performance.now();
      const outcome = await callMcpTool(deps, { server: 'files', tool: 'read_text_file', args, requester: actor });
      aurea.push(performance.now() - t);
      if (!outcome.ok) throw new Error(`call failed: ${outcome.text}`);
    }
    const p = (xs: number[], q: number) => round(percentile(xs, q));
    return {
      name: `MCP tool call over stdio (server-filesystem read_text_file, ${calls} calls each, embedded Postgres for the audit)`,
      rows: [
        { metric: 'SDK client directly, p50 / p95', value: `${p(sdk, 50)} / ${p(sdk, 95)}`, unit: 'ms' },
        { metric: 'through AUREA (connection, cap, audit row), p50 / p95', value: `${p(aurea, 50)} / ${p(aurea, 95)}`, unit: 'ms' },
        { metric: 'added by AUREA, p50 / p95', value: `${round(percentile(aurea, 50) - percentile(sdk, 50))} / ${round(percentile(aurea, 95) - percentile(sdk, 95))}`, unit: 'ms' },
      ],
    };
  } finally {
    await direct.close();
    await mcp.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
