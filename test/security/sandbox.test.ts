/**
 * Attack: code a model wrote runs on AUREA's machine before anyone approves it. A scripted model
 * replaces the service's tests with a hostile script that tries to read AUREA's `.env`, config,
 * data dir, source and the user's home, take secrets from its environment, reach Redis, Postgres
 * and an HTTP service on 127.0.0.1, write outside the worktree, rewrite the worktree's `.git` link,
 * leave a process behind, and exceed its CPU, memory and file-size limits. It runs twice, as the
 * developer's `run_command` and as the tester's test command, inside the sandbox: every probe is
 * blocked, the approval shows what AUREA measured and what the script printed, and nothing of it
 * is found on the host afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropicApi } from '../fakes/anthropic-api.js';
import type { Step } from '../fakes/llm-script.js';
import { FOUNDER, callbackUpdate, textUpdate } from '../fixtures/telegram-updates.js';
import { BACKEND } from '../helpers/backend.js';
import { Harness } from '../helpers/harness.js';

const MARKER = `aurea-bg-${randomUUID()}`;
const PLAN = { summary: 'Rewrite the tests', steps: ['Replace test.sh'], files: ['test.sh'], risk: 'low', tests: 'sh test.sh' };

/** The hostile test script: each probe prints `<name>: reached` or `<name>: blocked`; the last lines sum up. */
function hostileScript(h: Harness): string {
  const node = (code: string) => `node -e ${JSON.stringify(code)}`;
  const connect = (port: number) => node(`require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`);
  const probes: Array<[string, string]> = [
    ['dotenv', `cat ${join(h.dir, '.env')}`],
    ['config', `cat ${h.config.configFile}`],
    ['data-dir', `cat ${join(h.config.database.dataDir, 'secret-marker')}`],
    ['aurea-source', `cat ${join(process.cwd(), 'package.json')}`],
    ['home', `ls -a ${process.env.HOME}`],
    ['service-repo', `cat ${join(h.repo.dir, 'deploy.sh')}`],
    ['env-secrets', `sh -c 'env | grep -q "AWS_ACCESS_KEY_ID\\|SSH_AUTH_SOCK\\|ANTHROPIC_API_KEY\\|TELEGRAM_BOT_TOKEN\\|REDIS_URL"'`],
    ['redis', connect(6379)],
    ['postgres', connect(5432)],
    ['http', node(`fetch(${JSON.stringify(h.service.healthUrl)}).then(() => process.exit(0), () => process.exit(1))`)],
    ['write-outside', `sh -c 'echo pwned > ${join(process.cwd(), `pwned-${MARKER}`)} || echo pwned > ${process.env.HOME}/pwned-${MARKER}'`],
    ['git-link', `sh -c 'echo "gitdir: /tmp/evil" > .git'`],
    ['memory', node('const a = []; for (let i = 0; i < 64; i++) a.push(Buffer.alloc(64 * 1024 * 1024, 1))')],
    ['cpu', node('const t = Date.now(); while (Date.now() - t < 20000) {}')],
    ['file-size', `sh -c 'head -c 3000000 /dev/zero > /tmp/big.bin'`],
  ];
  return [
    'rm -f /tmp/reached.txt /tmp/blocked.txt',
    'probe() { name=$1; shift; if "$@" >/dev/null 2>&1; then echo "$name: reached"; echo "$name" >> /tmp/reached.txt; else echo "$name: blocked"; echo "$name" >> /tmp/blocked.txt; fi; }',
    ...probes.map(([name, command]) => `probe ${name} ${command}`),
    `${node('setInterval(() => {}, 1000)')} ${MARKER} &`,
    'echo "background process left running"',
    'echo "blocked: $(tr "\\n" " " < /tmp/blocked.txt)"',
    'echo "reached: $(cat /tmp/reached.txt 2>/dev/null | tr "\\n" " ")none"',
    'exit 0',
    '',
  ].join('\n');
}

describe(`security: model-written code runs only in the sandbox (${BACKEND})`, () => {
  let h: Harness;
  let anthropic: FakeAnthropicApi;
  const saved = { aws: process.env.AWS_ACCESS_KEY_ID, ssh: process.env.SSH_AUTH_SOCK };
  const messages = () => h.telegram.messagesTo(FOUNDER.id);

  beforeAll(async () => {
    anthropic = await FakeAnthropicApi.start();
    h = await Harness.create({
      yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n',
      serviceYaml: 'sandbox:\n  cpu: 2s\n  memoryMb: 256\n  fileSizeMb: 1',
      env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
    });
    const script = hostileScript(h);
    anthropic.respond = (body: any): Step | undefined => {
      const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
      if (tools.includes('submit_plan')) return { kind: 'tool', name: 'submit_plan', input: PLAN };
      if (!tools.includes('finish')) return undefined;
      const results = body.messages.length - 1;
      if (results === 0) return { kind: 'tool', name: 'write_file', input: { path: 'test.sh', content: script } };
      if (results === 2) return { kind: 'tool', name: 'run_command', input: { command: 'sh test.sh' } };
      return { kind: 'tool', name: 'finish', input: { summary: 'rewrote the tests' } };
    };
    writeFileSync(join(h.dir, '.env'), 'TELEGRAM_BOT_TOKEN=123456:not-for-the-model\n');
    mkdirSync(h.config.database.dataDir, { recursive: true });
    writeFileSync(join(h.config.database.dataDir, 'secret-marker'), 'only AUREA reads this\n');
    // Credentials AUREA's own process has, which a test script must not inherit.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAHOSTILEPROBE0000';
    process.env.SSH_AUTH_SOCK = '/tmp/ssh-agent.sock';
    await h.start();
  });
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = saved.aws;
    process.env.SSH_AUTH_SOCK = saved.ssh;
    if (saved.aws === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.ssh === undefined) delete process.env.SSH_AUTH_SOCK;
    await h?.close();
    await anthropic?.close();
  });

  it('a hostile test script reaches nothing, as run_command and as the tester; the approval shows the failures; nothing is left on the host', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing rewrite the tests'));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Task #1: deploy to billing?')), 90_000, 'the approval request');
    const approval = messages().find((m) => m.text.startsWith('Task #1: deploy to billing?'))!;
    const everyProbe = 'dotenv config data-dir aurea-source home service-repo env-secrets redis postgres http write-outside git-link memory cpu file-size';

    // What the founder sees: AUREA's own measurement, then what the script printed (its summary).
    expect(approval.text).toMatch(/\nTests, as AUREA measured them: exit 0 after [\d.]+s, 18 lines of output, round 1\/3\n/);
    expect(approval.text).toContain(`What the tests printed (code the model may have written):\n  background process left running\n  blocked: ${everyProbe} \n  reached: none\n`);

    // run_command ran the same script in the sandbox; the model was given its output.
    const toolResults = anthropic.calls.flatMap((c) => c.body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : []).filter((b: any) => b.type === 'tool_result').map((b: any) => String(b.content))));
    const runOutput = toolResults.find((r) => r.includes('reached: none'));
    expect(runOutput).toMatch(/^exit 0\n/);
    expect(runOutput).toContain(`blocked: ${everyProbe} \n`);
    expect(runOutput).not.toMatch(/: reached/);
    expect(runOutput).not.toContain('not-for-the-model');

    // Nothing on the host: no file written outside, the worktree's git link intact, no process left.
    expect(existsSync(join(process.cwd(), `pwned-${MARKER}`)) || existsSync(join(process.env.HOME!, `pwned-${MARKER}`))).toBe(false);
    const worktree = join(h.config.database.dataDir, 'worktrees', 'task-1');
    expect(readFileSync(join(worktree, '.git'), 'utf8')).toBe(`gitdir: ${join(h.repo.dir, '.git', 'worktrees', 'task-1')}\n`);
    expect(spawnSync('pgrep', ['-f', MARKER]).status).toBe(1);
    expect(approval.text).toMatch(/\nChanges \(commit [0-9a-f]{7}\):\n test\.sh \| \d+ \+/); // only the script: its probes wrote nowhere the commit sees

    // Rejected: nothing was deployed, and the deploy branch never saw the script.
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons.find((b) => /Reject/.test(b.text))!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('❌ Task #1 on billing was not deployed')), 20_000, 'the task ended');
    expect(h.repo.deploys).toEqual([]);
    expect(execFileSync('git', ['show', 'HEAD:test.sh'], { cwd: h.repo.dir, encoding: 'utf8' })).not.toContain('probe');
    expect(await h.query(`SELECT status FROM tasks WHERE id = 1`)).toEqual([{ status: 'rejected' }]);
  }, 120_000);
});
