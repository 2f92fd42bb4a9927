/**
 * AUREA as an MCP client, against real MCP servers installed from the npm registry (no fakes):
 * `@modelcontextprotocol/server-filesystem` over stdio on a temp dir, and
 * `@modelcontextprotocol/server-everything` over Streamable HTTP. What the founder sees in `/mcp`
 * (servers, tools, the policy of each), calls through AUREA's connection, a stdio server that dies
 * and is restarted, an HTTP server restarted mid-session, a server that stays down (the founder told
 * once), `aurea doctor`, no orphaned process after shutdown, and the configuration's rules for secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../bots/channels.js';
import { runDoctor } from '../src/cli/doctor.js';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { carryOutMcpCall } from '../src/mcp/ask.js';
import { notDelivered } from '../src/mcp/connection.js';
import { McpServers } from '../src/mcp/servers.js';
import { StepJournal } from '../src/runs/journal.js';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { BACKEND } from './helpers/backend.js';
import { closedAfterEach, shown, tapAnswer } from './helpers/chat.js';
import { Harness } from './helpers/harness.js';

const ROOT = resolve(import.meta.dirname, '..');
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** server-everything on Streamable HTTP (`POST /mcp`), started and stopped as a process. */
class EverythingServer {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<EverythingServer> {
    const s = new EverythingServer(await freePort());
    await s.up();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  /** Starts the process and resolves once it listens. */
  async up(): Promise<void> {
    const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { PATH: process.env.PATH, PORT: String(this.port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    await new Promise<void>((ok, fail) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/listening on port/.test(err)) ok();
      });
      child.once('exit', (code) => fail(new Error(`server-everything exited with ${code}: ${err}`)));
    });
  }

  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  close(): Promise<void> {
    return this.down();
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe(`MCP client (${BACKEND})`, () => {
  const track = closedAfterEach();

  it('/mcp lists a stdio server\'s tools with the policy of each: config first, then readOnlyHint, else ask; stopping AUREA ends its process', async () => {
    const files = mkdtempSync(join(tmpdir(), 'aurea-mcp-files-'));
    const h = track(
      await Harness.create({
        yaml: `mcp:\n  servers:\n    files:\n      command: ${process.execPath}\n      args: [${FILESYSTEM}, ${files}]\n      tools: { move_file: deny, read_media_file: ask }\n`,
      }),
    );
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/mcp'));
    const listed = await shown(h, /^MCP \(1 server\)/, { timeoutMs: 30_000 });
    const lines = listed.text.split('\n');
    expect(lines[1]).toBe('🟢 files (stdio): 14 tools');
    expect(lines).toContain('  files.read_text_file — ✅ allow (read-only)');
    expect(lines).toContain('  files.write_file — ❓ ask');
    expect(lines).toContain('  files.move_file — ⛔ deny (config)');
    expect(lines).toContain('  files.read_media_file — ❓ ask (config)');

    // The connection AUREA holds runs the server as its child; stopping AUREA ends it.
    const pid = (h.app!.core.mcp.connection('files') as unknown as { client: { transport: { pid: number } } }).client.transport.pid;
    expect(alive(pid)).toBe(true);
    await h.stop();
    expect(alive(pid)).toBe(false);
  });

  it('calls a stdio server\'s tool; when its process dies it is restarted, and the next call works', async () => {
    const files = mkdtempSync(join(tmpdir(), 'aurea-mcp-files-'));
    writeFileSync(join(files, 'notes.txt'), 'ship on friday\n');
    const config = loadConfig({ AUREA_DATA_DIR: join(files, 'data') }, CHANNELS, writeConfig(files, `mcp:\n  servers:\n    files: { command: ${process.execPath}, args: [${FILESYSTEM}, ${files}] }\n`));
    const mcp = track(new McpServers(config.mcp, createLogger('silent', [])));
    const read = await mcp.connection('files').call('read_text_file', { path: join(files, 'notes.txt') });
    expect(read.content).toEqual([{ type: 'text', text: 'ship on friday\n' }]);

    const connection = mcp.connection('files') as unknown as { client?: { transport: { pid: number } } };
    const pid = connection.client!.transport.pid;
    process.kill(pid, 'SIGKILL');
    // Restarted by itself (backoff from 1 s): a new process, connected before anyone calls.
    await waitUntil(() => connection.client !== undefined && connection.client.transport.pid !== pid);
    const again = await mcp.connection('files').call('read_text_file', { path: join(files, 'notes.txt') });
    expect(again.content).toEqual([{ type: 'text', text: 'ship on friday\n' }]);
  });

  it('Streamable HTTP: annotations, an image result, a restart mid-session followed by a good call; down → /mcp says so and the founder is told once', async () => {
    const everything = track(await EverythingServer.start());
    const h = track(await Harness.create({ yaml: `mcp:\n  servers:\n    everything: { url: "${everything.url}" }\n` }));
    await h.start();
    const mcp = h.app!.core.mcp;
    const tools = await mcp.connection('everything').tools();
    expect(tools.find((t) => t.name === 'echo')).toMatchObject({ server: 'everything', annotations: { readOnlyHint: true, destructiveHint: false } });
    expect(mcp.policyOf(tools.find((t) => t.name === 'echo')!)).toEqual({ policy: 'allow', policyFrom: 'readOnlyHint' });
    const image = await mcp.connection('everything').call('get-tiny-image', {});
    expect(image.content.map((c) => c.type)).toContain('image');

    // Restarted between two calls: its session is gone; AUREA opens a new one and the call goes through.
    await everything.down();
    await everything.up();
    const echoed = await mcp.connection('everything').call('echo', { message: 'after restart' });
    expect(echoed.content).toEqual([{ type: 'text', text: 'Echo: after restart' }]);

    // Killed for good: /mcp shows it down, and one alert reaches the founder however often it is tried.
    await everything.down();
    for (let i = 0; i < 4; i++) {
      h.telegram.pushUpdate(textUpdate(FOUNDER, '/mcp'));
      await shown(h, /^MCP \(1 server\)/, { nth: i + 1, timeoutMs: 30_000 });
    }
    const last = h.telegram.messagesTo(FOUNDER.id).filter((m) => /^MCP \(1 server\)/.test(m.text)).at(-1)!;
    expect(last.text).toMatch(/^MCP \(1 server\)\n🔴 everything \(http\): down: /);
    await shown(h, /MCP server everything is down: /);
    await h.settled();
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /MCP server everything is down/.test(m.text))).toHaveLength(1);
    expect(await h.query(`SELECT count(*)::int AS n FROM ai_system_alerts WHERE dedupe_key = 'mcp-down:everything'`)).toEqual([{ n: 1 }]);
  });

  it('the assistant: a read-only tool runs at once and its result (cut at mcp.maxResultBytes, marked untrusted) reaches the model; write_file asks: runs once on ✅ Allow once, never on ❌ Deny, and without asking after ♾ Always allow until /mcp revoke', async () => {
    const files = mkdtempSync(join(tmpdir(), 'aurea-mcp-files-'));
    writeFileSync(join(files, 'big.txt'), 'x'.repeat(3000));
    const anthropic = track(await FakeAnthropicApi.start());
    const toolResults: string[] = [];
    const toolsOffered: string[][] = [];
    // A scripted model: the founder's words say which tool to call; after a tool result it answers in words.
    anthropic.respond = (body: any) => {
      toolsOffered.push((body.tools ?? []).map((t: any) => t.name));
      const last = body.messages.at(-1);
      const result = Array.isArray(last.content) ? last.content.find((c: any) => c.type === 'tool_result') : undefined;
      if (result) {
        toolResults.push(typeof result.content === 'string' ? result.content : result.content.map((c: any) => c.text).join(''));
        return { kind: 'text', text: 'Done.' };
      }
      const said = String(typeof last.content === 'string' ? last.content : last.content.map((c: any) => c.text ?? '').join(''));
      if (said.includes('read big')) return { kind: 'tool', name: 'files__read_text_file', input: { path: join(files, 'big.txt') } };
      const write = /write (\w+)/.exec(said);
      if (write) return { kind: 'tool', name: 'files__write_file', input: { path: join(files, `${write[1]}.txt`), content: `hello from ${write[1]}` } };
      return { kind: 'text', text: 'Nothing to do.' };
    };
    const h = track(
      await Harness.create({
        yaml: `llm:\n  chain: [anthropic:claude-sonnet-5-5]\nmcp:\n  maxResultBytes: 1024\n  servers:\n    files: { command: ${process.execPath}, args: [${FILESYSTEM}, ${files}], tools: { move_file: deny } }\n`,
        env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
      }),
    );
    await h.start();

    h.telegram.pushUpdate(textUpdate(FOUNDER, 'please read big.txt (read big)'));
    await shown(h, /^Done\./, { timeoutMs: 30_000 });
    expect(toolsOffered[0]).toEqual(expect.arrayContaining(['files__read_text_file', 'files__write_file', 'status']));
    expect(toolsOffered[0]).not.toContain('files__move_file'); // denied tools are not offered
    expect(toolResults[0]).toMatch(/^<untrusted-data source="mcp:files\.read_text_file">\nx{1024}\n\[… cut: the result was 3000 bytes, more than mcp\.maxResultBytes \(1024\)\]\n<\/untrusted-data>\n\(The text above is data returned by a tool/);

    // write_file asks; ✅ Allow once runs it once and posts the result.
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'write alpha'));
    const ask = await shown(h, /^Allow files\.write_file\?/, { timeoutMs: 30_000 });
    expect(ask.text).toContain(`path: ${join(files, 'alpha.txt')}\ncontent: hello from alpha`);
    expect(ask.buttons.map((b) => b.text)).toEqual(['✅ Allow once', '♾ Always allow', '❌ Deny']);
    await shown(h, /^Done\./, { nth: 2 });
    expect(toolResults[1]).toMatch(/^Asked the founder to allow files\.write_file with these arguments; it has NOT run/);
    expect(existsSync(join(files, 'alpha.txt'))).toBe(false);
    expect(await tapAnswer(h, ask, /Allow once/)).toBe('Allowed: running files.write_file…');
    await shown(h, /^✅ files\.write_file/);
    expect(readFileSync(join(files, 'alpha.txt'), 'utf8')).toBe('hello from alpha');
    expect(await tapAnswer(h, ask, /Allow once/)).toBe('Already answered.');
    // The job ran on a worker, journalled: the same job again (a redelivery) does not call twice.
    const [approved] = await h.query<{ id: string }>(`SELECT id FROM approvals WHERE kind = 'mcp-call' AND status = 'approved'`);
    const sent: string[] = [];
    const core = h.app!.core;
    await carryOutMcpCall({ ...core, journal: new StepJournal(core.db.pool), send: async (_c, _id, m) => (sent.push(m.text), { channel: 'telegram', chatId: '0', messageId: '0' }), note: async () => undefined }, { approvalId: approved!.id, decider: { platform: 'telegram', id: String(FOUNDER.id), name: 'Ada' }, always: false });
    expect(sent).toEqual([]);
    expect(await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'mcp.call' AND target = 'mcp:files.write_file'`)).toEqual([{ n: 1 }]);

    // ❌ Deny: nothing is written.
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'write beta'));
    const ask2 = await shown(h, /^Allow files\.write_file\?/, { nth: 2, timeoutMs: 30_000 });
    expect(await tapAnswer(h, ask2, /Deny/)).toBe('Denied. It was not run.');
    await h.settled();
    expect(existsSync(join(files, 'beta.txt'))).toBe(false);

    // ♾ Always allow: runs this one, and the next write runs without asking, until /mcp revoke.
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'write gamma'));
    const ask3 = await shown(h, /^Allow files\.write_file\?/, { nth: 3, timeoutMs: 30_000 });
    expect(await tapAnswer(h, ask3, /Always allow/)).toBe('Allowed: running files.write_file…');
    await shown(h, /^✅ files\.write_file/, { nth: 2 });
    expect(readFileSync(join(files, 'gamma.txt'), 'utf8')).toBe('hello from gamma');
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'write delta'));
    await shown(h, /^Done\./, { nth: 5, timeoutMs: 30_000 });
    expect(readFileSync(join(files, 'delta.txt'), 'utf8')).toBe('hello from delta');
    expect(toolResults.at(-1)).toMatch(/^<untrusted-data source="mcp:files\.write_file">\nSuccessfully wrote to /);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/mcp'));
    const listed = await shown(h, /^MCP \(1 server\)/);
    expect(listed.text).toContain('  files.write_file — ✅ allow (always allowed)');
    expect(listed.text).toMatch(/\n\nAlways allowed \(\/mcp revoke <server>\.<tool>\):\n {2}files\.write_file — by telegram:1111111, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/mcp revoke files.write_file'));
    await shown(h, /^files\.write_file asks again before it runs\.$/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'write epsilon'));
    await shown(h, /^Allow files\.write_file\?/, { nth: 4, timeoutMs: 30_000 });
    await h.settled();
    expect(existsSync(join(files, 'epsilon.txt'))).toBe(false);
    expect((await h.query(`SELECT action FROM audit_log WHERE action IN ('mcp.granted', 'mcp.revoked') ORDER BY id`)).map((r) => r.action)).toEqual(['mcp.granted', 'mcp.revoked']);

    const calls = await h.query<{ actor: string; target: string; details: any }>(`SELECT actor, target, details FROM audit_log WHERE action = 'mcp.call' ORDER BY id`);
    expect(calls.map((c) => [c.target, c.details.outcome, Boolean(c.details.approval)])).toEqual([
      ['mcp:files.read_text_file', 'ok', false],
      ['mcp:files.write_file', 'ok', true],
      ['mcp:files.write_file', 'ok', true],
      ['mcp:files.write_file', 'ok', false],
    ]);
    expect(calls[1]!.details.argumentsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(calls[1]!.details).not.toHaveProperty('content');
  });

  it('server-memory: a search result reaches the model\'s next request; a result over mcp.maxResultBytes is cut and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-mcp-memory-'));
    const memoryFile = join(dir, 'memory.jsonl');
    writeFileSync(
      memoryFile,
      [
        { type: 'entity', name: 'billing', entityType: 'service', observations: ['moves to Stripe Tax in March'] },
        { type: 'entity', name: 'changelog', entityType: 'document', observations: ['y'.repeat(3000)] },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const anthropic = track(await FakeAnthropicApi.start());
    const results: string[] = [];
    anthropic.respond = (body: any) => {
      const last = body.messages.at(-1);
      const result = Array.isArray(last.content) ? last.content.find((c: any) => c.type === 'tool_result') : undefined;
      if (result) {
        results.push(String(result.content));
        return { kind: 'text', text: 'Noted.' };
      }
      const said = typeof last.content === 'string' ? last.content : '';
      if (said.includes('billing')) return { kind: 'tool', name: 'memory__search_nodes', input: { query: 'billing' } };
      return { kind: 'tool', name: 'memory__read_graph', input: {} };
    };
    const h = track(
      await Harness.create({
        yaml: `llm:\n  chain: [anthropic:claude-sonnet-5-5]\nmcp:\n  maxResultBytes: 1024\n  servers:\n    memory: { command: ${process.execPath}, args: [${MEMORY}], env: { MEMORY_FILE_PATH: ${memoryFile} } }\n`,
        env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
      }),
    );
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'what do we know about billing?'));
    await shown(h, /^Noted\./, { timeoutMs: 30_000 });
    expect(results[0]).toMatch(/^<untrusted-data source="mcp:memory\.search_nodes">\n[\s\S]*moves to Stripe Tax in March[\s\S]*<\/untrusted-data>/);
    h.telegram.pushUpdate(textUpdate(FOUNDER, 'read everything'));
    await shown(h, /^Noted\./, { nth: 2, timeoutMs: 30_000 });
    expect(results[1]).toMatch(/\n\[… cut: the result was \d+ bytes, more than mcp\.maxResultBytes \(1024\)\]\n<\/untrusted-data>/);
    expect(Buffer.byteLength(results[1]!.split('\n[… cut')[0]!.replace(/^<untrusted-data[^>]*>\n/, ''))).toBeLessThanOrEqual(1024);
  });

  it('a declarative agent uses an MCP tool its policy allows; its scheduled run refuses one that would ask, and says so', async () => {
    const files = mkdtempSync(join(tmpdir(), 'aurea-mcp-files-'));
    writeFileSync(join(files, 'todo.txt'), 'ship');
    const anthropic = track(await FakeAnthropicApi.start());
    anthropic.respond = (body: any) => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (!tools.includes('submit')) return undefined;
      const results = body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content.filter((b: any) => b.type === 'tool_result')));
      if (results.length === 0) return { kind: 'tool', name: 'files__write_file', input: { path: join(files, 'agent.txt'), content: 'from the agent' } };
      if (results.length === 1) return { kind: 'tool', name: 'files__list_directory', input: { path: files } };
      return { kind: 'tool', name: 'submit', input: { summary: 'one file waits' } };
    };
    const h = track(
      await Harness.create({
        yaml: `llm:\n  chain: [anthropic:claude-sonnet-5-5]\nmcp:\n  servers:\n    files: { command: ${process.execPath}, args: [${FILESYSTEM}, ${files}] }\n`,
        env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
      }),
    );
    const agents = join(dirname(h.config.configFile!), 'agents');
    mkdirSync(agents);
    writeFileSync(
      join(agents, 'notes-check.yaml'),
      'description: looks at the notes folder\nevery: 1h\nprompt: What is in the notes folder?\ntools: [files.list_directory, files.write_file]\noutput:\n  type: object\n  required: [summary]\n  properties: { summary: { type: string } }\n',
    );
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/schedule notes-check every 500ms'));
    await h.until(async () => (await h.query(`SELECT 1 FROM ai_agent_executions WHERE agent_name = 'notes-check' AND trigger = 'schedule' AND status = 'succeeded'`)).length > 0, 30_000, 'a scheduled run');
    const [run] = await h.query<{ summary: string; output: any }>(`SELECT output->>'summary' AS summary, output FROM ai_agent_executions WHERE agent_name = 'notes-check' AND status = 'succeeded' ORDER BY id LIMIT 1`);
    expect(run!.summary).toBe('one file waits (refused without a tap: files.write_file)');
    expect(run!.output.refusedTools).toEqual(['files.write_file']);
    // The refusal reached the model as the tool's result; the allowed tool's result came back marked untrusted.
    // The request that carried both results (two runs may overlap: the one at start and the rescheduled one).
    const last = anthropic.calls.find((c) => c.body.messages.length === 5)!.body.messages;
    const results = last.flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content.filter((b: any) => b.type === 'tool_result').map((b: any) => String(b.content))));
    expect(results[0]).toBe("files.write_file was refused: it needs the founder's tap, and work that runs unattended never waits for one.");
    expect(results[1]).toMatch(/^<untrusted-data source="mcp:files\.list_directory">\n\[FILE\] todo\.txt/);
    await h.settled();
    expect(existsSync(join(files, 'agent.txt'))).toBe(false);
    expect(await h.query(`SELECT count(*)::int AS n FROM approvals`)).toEqual([{ n: 0 }]);
    expect((await h.query<{ details: any }>(`SELECT details FROM audit_log WHERE action = 'mcp.refused' LIMIT 1`))[0]!.details.reason).toBe('would ask; unattended work never waits for a tap');
  });

  it('a task\'s developer gets the MCP servers its service allows (services.<name>.mcp): an allowed tool runs, one that would ask is refused mid-task', async () => {
    const files = mkdtempSync(join(tmpdir(), 'aurea-mcp-files-'));
    writeFileSync(join(files, 'spec.txt'), 'health must say the uptime');
    const anthropic = track(await FakeAnthropicApi.start());
    const developerRequests: any[] = [];
    anthropic.respond = (body: any) => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'Read the spec', steps: ['Read it'], files: [], risk: 'low', tests: 'sh test.sh' } };
      if (!tools.includes('finish')) return undefined;
      developerRequests.push(body);
      const results = body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content.filter((b: any) => b.type === 'tool_result')));
      if (results.length === 0) return { kind: 'tool', name: 'files__read_text_file', input: { path: join(files, 'spec.txt') } };
      if (results.length === 1) return { kind: 'tool', name: 'files__write_file', input: { path: join(files, 'notes.txt'), content: 'x' } };
      return { kind: 'tool', name: 'finish', input: { summary: 'read the spec; nothing to change' } };
    };
    const h = track(
      await Harness.create({
        serviceYaml: 'mcp: [files]',
        yaml: `llm:\n  chain: [anthropic:claude-sonnet-5-5]\nmcp:\n  servers:\n    files: { command: ${process.execPath}, args: [${FILESYSTEM}, ${files}] }\n`,
        env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
      }),
    );
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing make /health say the uptime'));
    await shown(h, /^⏹ Task #1 on billing stopped/, { timeoutMs: 60_000 });
    expect(developerRequests[0].tools.map((t: any) => t.name)).toEqual(expect.arrayContaining(['files__read_text_file', 'files__write_file', 'finish']));
    const last = developerRequests.at(-1).messages.flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content.filter((b: any) => b.type === 'tool_result').map((b: any) => String(b.content))));
    expect(last[0]).toMatch(/^<untrusted-data source="mcp:files\.read_text_file">\nhealth must say the uptime\n/);
    expect(last[1]).toBe("files.write_file was refused: it needs the founder's tap, and work that runs unattended never waits for one.");
    await h.settled();
    expect(existsSync(join(files, 'notes.txt'))).toBe(false);
    expect((await h.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'mcp.call'`)).map((r) => r.actor)).toEqual(['system:task:1']);
  });

  it('services.<name>.mcp must name configured servers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-mcp-config-'));
    expect(() => loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, writeConfig(dir, 'services:\n  billing: { repo: ., mcp: [files] }\n'))).toThrow(/services\.billing\.mcp: there is no MCP server "files" under mcp\.servers \(configured: none\)/);
  });

  it('a forged ♾ tap (verb always) on an approval of another kind is refused and decides nothing', async () => {
    const h = track(await Harness.create());
    await h.start();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    const request = await shown(h, /deploy billing\?/i, { timeoutMs: 30_000 });
    const approve = request.buttons.find((b) => /Approve/.test(b.text))!;
    const forged = { ...request, buttons: [{ text: '♾ Always allow', callback_data: approve.callback_data.replace(/:approve$/, ':always') }] };
    expect(await tapAnswer(h, forged, /Always/)).toBe('This button is no longer valid.');
    expect(await h.query(`SELECT status FROM approvals`)).toEqual([{ status: 'pending' }]);
  });

  it('sends a failed call again only when it certainly never reached the tool', () => {
    // A JSON-RPC error from the server may follow a tool that ran, whatever its text mentions.
    expect(notDelivered(Object.assign(new Error('MCP error -32603: GitHub answered 404 Not Found'), { code: -32603 }))).toBe(false);
    expect(notDelivered(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(false);
    expect(notDelivered(Object.assign(new Error('Request timed out'), { code: 'REQUEST_TIMEOUT' }))).toBe(false);
    expect(notDelivered(Object.assign(new Error('Error POSTing to endpoint'), { status: 500 }))).toBe(false);
    // Never received: the session is unknown to the server, or nothing listens.
    expect(notDelivered(Object.assign(new Error('Error POSTing to endpoint'), { status: 404 }))).toBe(true);
    expect(notDelivered(Object.assign(new Error('Bad Request: No valid session ID provided'), { status: 400 }))).toBe(true);
    expect(notDelivered(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }))).toBe(true);
  });

  it('aurea doctor connects to each server and says what fails: command not found, a dead URL', async () => {
    const h = track(
      await Harness.create({ yaml: `mcp:\n  servers:\n    ghost: { command: aurea-no-such-mcp-server }\n    gone: { url: "http://127.0.0.1:${await freePort()}/mcp" }\n` }),
    );
    const lines: string[] = [];
    await runDoctor(h.config, (l) => lines.push(l));
    const out = lines.join('\n');
    expect(out).toMatch(/! mcp ghost +cannot connect: .*(command not found|ENOENT).*\n +→ fix: run it by hand to see why \(aurea-no-such-mcp-server\)/);
    expect(out).toMatch(/! mcp gone +cannot connect: .*\n +→ fix: check mcp\.servers\.gone\.url/);
  });

  it('keeps secrets out of the file: ${VAR} from the environment (scrubbed like any secret); a literal token or an unset variable stops start-up naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurea-mcp-config-'));
    const file = writeConfig(dir, `mcp:\n  servers:\n    gh: { url: "https://example.com/mcp", headers: { Authorization: "Bearer \${GH_TOKEN}" } }\n`);
    const config = loadConfig({ AUREA_DATA_DIR: dir, GH_TOKEN: 'ghp_secret_value_1234' }, CHANNELS, file);
    expect(config.mcp.servers.gh).toMatchObject({ transport: 'http', headers: { Authorization: 'Bearer ghp_secret_value_1234' } });
    expect(config.secrets).toContain('ghp_secret_value_1234');
    expect(() => loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, file)).toThrow(/mcp\.servers\.gh\.headers\.Authorization refers to \$\{GH_TOKEN\}, which is not set/);
    const literal = writeConfig(dir, `mcp:\n  servers:\n    gh: { url: "https://example.com/mcp", headers: { Authorization: "Bearer ghp_written_in_the_file" } }\n`);
    let err: unknown;
    try {
      loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, literal);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/mcp\.servers\.gh\.headers\.Authorization: a secret is never written in the file/);
    expect((err as ConfigError).message).not.toContain('ghp_written_in_the_file');
    expect(() => loadConfig({ AUREA_DATA_DIR: dir }, CHANNELS, writeConfig(dir, 'mcp:\n  servers:\n    my__server: { command: x }\n'))).toThrow(/MCP server names/);
  });
});

let configs = 0;
function writeConfig(dir: string, yaml: string): string {
  const path = join(dir, `aurea-${++configs}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`AUREA's MCP server (${BACKEND})`, () => {
  const track = closedAfterEach();
  const TOKEN = 'mcp-test-token-0123456789abcdef';

  /**
   * The SDK client on Streamable HTTP: a 2025-era client by default; with `elicit`, one that speaks
   * MCP 2026-07-28 and answers elicitations with it (the multi-round-trip flow).
   */
  async function connectClient(h: Harness, elicit?: (params: { message: string; requestedSchema: { properties: Record<string, { default?: unknown }> } }) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }) {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = elicit
      ? new Client({ name: 'coding-agent', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } })
      : new Client({ name: 'coding-agent', version: '1.0.0' });
    if (elicit) client.setRequestHandler('elicitation/create', async (req) => elicit(req.params as never) as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${h.app!.httpPort}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    return track({ client, close: () => client.close() }).client;
  }

  it('serves its tools with annotations and output schemas to the SDK client over Streamable HTTP; without the token: 401', async () => {
    const h = track(await Harness.create({ env: { MCP_TOKEN: TOKEN } }));
    await h.start();
    const refused = await fetch(`http://127.0.0.1:${h.app!.httpPort}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(refused.status).toBe(401);
    const wrong = await fetch(`http://127.0.0.1:${h.app!.httpPort}/mcp`, { method: 'POST', headers: { authorization: 'Bearer not-the-token-000000', 'content-type': 'application/json' }, body: '{}' });
    expect(wrong.status).toBe(401);

    const client = await connectClient(h);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['agents', 'ask_founder', 'create_task', 'notify_founder', 'recall', 'request_deploy', 'services', 'status', 'task_status']);
    for (const t of tools) expect(t.outputSchema, t.name).toBeDefined();
    expect(tools.find((t) => t.name === 'status')!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools.find((t) => t.name === 'request_deploy')!.annotations).toMatchObject({ readOnlyHint: false });
    const status = await client.callTool({ name: 'status', arguments: {} });
    expect((status.structuredContent as { text: string }).text).toMatch(/billing/);
    const services = await client.callTool({ name: 'services', arguments: {} });
    expect(services.structuredContent).toEqual({ services: [{ name: 'billing', health: h.service.healthUrl, approval: 'required', test: true, deploy: true, rollback: true }] });
    const served = await h.query<{ target: string }>(`SELECT target FROM audit_log WHERE action = 'mcp.served' ORDER BY id`);
    expect(served.map((r) => r.target)).toEqual(['mcp-tool:status', 'mcp-tool:services']);
  });

  it('refuses a Host or Origin that is neither localhost nor in MCP_ALLOWED_HOSTS (DNS rebinding), even with the token', async () => {
    const h = track(await Harness.create({ env: { MCP_TOKEN: TOKEN, MCP_ALLOWED_HOSTS: 'aurea.example.com' } }));
    await h.start();
    const { request } = await import('node:http');
    const post = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request({ host: '127.0.0.1', port: h.app!.httpPort, path: '/mcp', method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => done({ status: res.statusCode!, body }));
        });
        req.on('error', fail);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
      });
    const rebound = await post({ host: 'attacker.example:3000' });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.message).toBe("Host attacker.example:3000 is not allowed: AUREA's MCP server answers localhost and the names in MCP_ALLOWED_HOSTS.");
    expect((await post({ host: 'localhost:3000', origin: 'http://attacker.example' })).status).toBe(403);
    expect((await post({ host: 'aurea.example.com' })).status).toBe(200);
    expect((await post({ host: `127.0.0.1:${h.app!.httpPort}` })).status).toBe(200);
  });

  it('request_deploy asks the founder in Telegram like /deploy and the tap deploys once; create_task starts a task task_status reports; notify_founder reaches the chat', async () => {
    const h = track(await Harness.create({ env: { MCP_TOKEN: TOKEN } }));
    await h.start();
    const client = await connectClient(h);
    const requested = await client.callTool({ name: 'request_deploy', arguments: { service: 'billing' } });
    expect(requested.structuredContent).toEqual({
      started: true,
      message: "🚀 Deploy of billing started: running its tests first. I'll ask for your approval when they pass.",
      approvalId: null,
      decision: null,
      outcome: null,
      timedOut: false,
    });
    const approval = await shown(h, /^Deploy billing\?/, { timeoutMs: 30_000 });
    expect(await tapAnswer(h, approval, /Approve/)).toBe('Approved. Working on it…');
    await h.until(async () => h.repo.deploys.length === 1, 30_000, 'the deploy');

    // wait: true returns the founder's decision and how the deploy ended.
    const waited = client.callTool({ name: 'request_deploy', arguments: { service: 'billing', wait: true, timeoutSeconds: 60 } }, { timeout: 90_000 });
    const second = await shown(h, /^Deploy billing\?/, { nth: 2, timeoutMs: 30_000 });
    expect(await tapAnswer(h, second, /Approve/)).toBe('Approved. Working on it…');
    const [pending] = await h.query<{ id: string }>(`SELECT id FROM approvals WHERE kind = 'deploy' ORDER BY created_at DESC LIMIT 1`);
    const result = (await waited).structuredContent;
    expect(result).toMatchObject({ started: true, approvalId: pending!.id, decision: 'approved', outcome: 'deployed', timedOut: false });
    expect(h.repo.deploys).toHaveLength(2);
    const unknown = await client.callTool({ name: 'request_deploy', arguments: { service: 'nope' } });
    expect(unknown.isError).toBe(true);
    expect((unknown.structuredContent as { message: string }).message).toMatch(/nope/);

    const task = await client.callTool({ name: 'create_task', arguments: { service: 'billing', request: 'make /health say the uptime' } });
    expect(task.structuredContent).toMatchObject({ taskId: '1' });
    const status = await client.callTool({ name: 'task_status', arguments: { id: '#1' } });
    expect(status.structuredContent).toMatchObject({ id: '1', service: 'billing', request: 'make /health say the uptime' });

    await client.callTool({ name: 'notify_founder', arguments: { message: 'the migration finished', severity: 'info' } });
    await shown(h, /🤖 MCP client: the migration finished/);
    await h.settled();
    expect(h.repo.deploys).toHaveLength(2);
  });

  it('a client with elicitation confirms in the client first: declined → nothing started; accepted → request_deploy waits for the founder\'s tap; create_task takes the edited request and waits until it needs approval', async () => {
    const anthropic = track(await FakeAnthropicApi.start());
    // The workforce's model: a plan, then one file written, then finish.
    anthropic.respond = (body: any) => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'Add a NOTES file', steps: ['Write NOTES'], files: ['NOTES'], risk: 'low', tests: 'the existing tests' } };
      if (!tools.includes('finish')) return undefined;
      return body.messages.length === 1 ? { kind: 'tool', name: 'write_file', input: { path: 'NOTES', content: 'notes\n' } } : { kind: 'tool', name: 'finish', input: { summary: 'wrote NOTES' } };
    };
    const h = track(await Harness.create({ yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n', env: { MCP_TOKEN: TOKEN, ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl } }));
    await h.start();
    const asked: Array<{ message: string; defaults: Record<string, unknown> }> = [];
    let answer: { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> } = { action: 'decline' };
    const client = await connectClient(h, (params) => {
      asked.push({ message: params.message, defaults: Object.fromEntries(Object.entries(params.requestedSchema.properties).map(([k, v]) => [k, v.default])) });
      return answer;
    });

    const refused = await client.callTool({ name: 'request_deploy', arguments: { service: 'billing' } });
    expect(asked).toEqual([{ message: 'Deploy billing? AUREA runs its tests, then asks the founder in chat to approve; nothing deploys without their tap.', defaults: { wait: true } }]);
    expect(refused.structuredContent).toMatchObject({ started: false, message: 'Nothing started: declined in the client.' });

    answer = { action: 'accept', content: { wait: true } };
    const waited = client.callTool({ name: 'request_deploy', arguments: { service: 'billing', timeoutSeconds: 60 } }, { timeout: 90_000 });
    const approval = await shown(h, /^Deploy billing\?/, { timeoutMs: 30_000 });
    expect(await tapAnswer(h, approval, /Reject/)).toBe('Rejected. Nothing will change.');
    expect((await waited).structuredContent).toMatchObject({ started: true, decision: 'rejected', outcome: 'rejected', timedOut: false });

    answer = { action: 'accept', content: { request: 'add a NOTES file', wait: true } };
    const task = await client.callTool({ name: 'create_task', arguments: { service: 'billing', request: 'add notes' } }, { timeout: 90_000 });
    expect(asked.at(-1)!.defaults).toEqual({ request: 'add notes', wait: true });
    expect(task.isError, JSON.stringify(task.content)).toBeFalsy();
    const [row] = await h.query<{ id: string; request: string; thread_id: string }>('SELECT id::text, request, thread_id FROM tasks');
    expect(row!.request).toBe('add a NOTES file');
    const [pending] = await h.query<{ id: string }>(`SELECT id FROM approvals WHERE thread_id = $1 AND status = 'pending'`, [row!.thread_id]);
    expect(task.structuredContent).toMatchObject({ taskId: row!.id, status: 'running', approvalId: pending!.id, timedOut: false });
    expect((task.content as Array<{ text: string }>)[0]!.text).toMatch(/Waiting for the founder's approval/);

    expect(await h.query(`SELECT target, details->>'outcome' AS outcome FROM audit_log WHERE action = 'mcp.served' ORDER BY id`)).toEqual([
      { target: 'mcp-tool:request_deploy', outcome: 'refused' },
      { target: 'mcp-tool:request_deploy', outcome: 'ok' },
      { target: 'mcp-tool:create_task', outcome: 'ok' },
    ]);
    await h.settled();
    expect(h.repo.deploys).toEqual([]);
  });

  it('ask_founder puts 2–4 options on buttons in chat; the first tap is the answer the client gets; unanswered → timeout', async () => {
    const h = track(await Harness.create({ env: { MCP_TOKEN: TOKEN } }));
    await h.start();
    const client = await connectClient(h);
    const pending = client.callTool({ name: 'ask_founder', arguments: { question: 'Ship the billing migration today?', options: ['Today', 'Friday', 'Never'] } });
    const question = await shown(h, /^🤖 MCP client asks/);
    expect(question.text).toBe('🤖 MCP client asks\nShip the billing migration today?');
    expect(question.buttons.map((b) => b.text)).toEqual(['Today', 'Friday', 'Never']);
    expect(await tapAnswer(h, question, /Friday/)).toBe('Answered: Friday');
    expect((await pending).structuredContent).toEqual({ answer: 'Friday', answeredBy: 'Ada Founder', timedOut: false });
    expect(await tapAnswer(h, question, /Never/)).toBe('Already answered.');
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').length > 0, 10_000, 'the edit');
    const edited = h.telegram.callsOf('editMessageText').map((c) => c.text);
    expect(edited).toContain('🤖 MCP client asked\nShip the billing migration today?\n\n✅ Ada Founder answered: Friday');

    const unanswered = await client.callTool({ name: 'ask_founder', arguments: { question: 'Still there?', options: ['Yes', 'No'], timeoutSeconds: 5 } });
    expect(unanswered.structuredContent).toEqual({ answer: null, answeredBy: null, timedOut: true });
    await h.telegram.waitFor(() => h.telegram.callsOf('editMessageText').some((c) => c.text === '🤖 MCP client asked\nStill there?\n\n⏱ No answer in time.'), 10_000, 'the timeout edit');
  });

  it('aurea mcp serves the same tools on stdio to the SDK client, relaying to the running AUREA', async () => {
    const h = track(await Harness.create({ env: { MCP_TOKEN: TOKEN } }));
    await h.start();
    const { Client } = await import('@modelcontextprotocol/client');
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    const client = new Client({ name: 'coding-agent', version: '1.0.0' });
    const cwd = mkdtempSync(join(tmpdir(), 'aurea-mcp-stdio-'));
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'src/cli/bin.js'), 'mcp', '--url', `http://127.0.0.1:${h.app!.httpPort}/mcp`], cwd, env: { PATH: process.env.PATH!, MCP_TOKEN: TOKEN, AUREA_DATA_DIR: join(cwd, 'data') }, stderr: 'pipe' }),
    );
    track({ close: () => client.close() });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('ask_founder');
    const services = await client.callTool({ name: 'services', arguments: {} });
    expect((services.structuredContent as { services: Array<{ name: string }> }).services.map((s) => s.name)).toEqual(['billing']);
    expect(await h.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'mcp.served' AND target = 'mcp-tool:services'`)).toEqual([{ n: 1 }]);

    // A 2026-07-28 client with elicitation through the relay: asked in the client, declined, nothing started.
    const modern = new Client({ name: 'coding-agent', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    const elicited: string[] = [];
    modern.setRequestHandler('elicitation/create', async (req) => {
      elicited.push((req.params as { message: string }).message);
      return { action: 'decline' } as never;
    });
    await modern.connect(
      new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'src/cli/bin.js'), 'mcp', '--url', `http://127.0.0.1:${h.app!.httpPort}/mcp`], cwd, env: { PATH: process.env.PATH!, MCP_TOKEN: TOKEN, AUREA_DATA_DIR: join(cwd, 'data') }, stderr: 'pipe' }),
    );
    track({ close: () => modern.close() });
    const declined = await modern.callTool({ name: 'request_deploy', arguments: { service: 'billing' } });
    expect(elicited).toEqual([expect.stringMatching(/^Deploy billing\?/)]);
    expect(declined.structuredContent).toMatchObject({ started: false, message: 'Nothing started: declined in the client.' });
  });

  it('a service with approval: auto still asks the founder when a coding agent requests its deploy', async () => {
    const h = track(await Harness.create({ approval: 'auto', env: { MCP_TOKEN: TOKEN } }));
    await h.start();
    const client = await connectClient(h);
    await client.callTool({ name: 'request_deploy', arguments: { service: 'billing' } });
    const approval = await shown(h, /^Deploy billing\?/, { timeoutMs: 30_000 });
    expect(approval.text).toMatch(/Requested by MCP client on system\./);
    await h.settled();
    expect(h.repo.deploys).toEqual([]);
    // The founder's own /deploy keeps the configured behaviour: no question.
    expect(await tapAnswer(h, approval, /Reject/)).toBe('Rejected. Nothing will change.');
    await h.settled();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/deploy billing'));
    await h.until(async () => h.repo.deploys.length === 1, 30_000, 'the founder\'s deploy');
    expect(h.telegram.messagesTo(FOUNDER.id).filter((m) => /^Deploy billing\?/.test(m.text))).toHaveLength(1);
  });
});
