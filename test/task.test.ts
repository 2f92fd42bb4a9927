/**
 * The workforce end to end: `/task` on a real git repository with a real test suite, with a
 * scripted model (the fake Anthropic API answers from the tools offered and the conversation so
 * far): plan → code → tests fail → code → tests pass → approval → deployed, verified, remembered.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from './fakes/llm-script.js';
import { FakeAnthropicApi } from './fakes/anthropic-api.js';
import { FOUNDER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

const PLAN = { summary: 'Make greet() say "Hello, <name>!"', steps: ['Change the greeting in greet.js', 'Run the tests'], files: ['greet.js'], risk: 'low', tests: 'sh test.sh' };

/** What the CHANGELOG task writes: long enough that its diff travels as a document. */
const CHANGELOG = `${Array.from({ length: 200 }, (_, i) => `CHANGELOG line ${i + 1}`).join('\n')}\n`;

/** The text of a request's messages (string contents and tool results), oldest first. */
const texts = (body: any): string[] =>
  body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [m.content] : m.content.map((b: any) => (b.type === 'tool_result' ? String(b.content) : (b.text ?? '')))));

/**
 * The scripted model. Planner requests (tool submit_plan offered) get PLAN, or an invalid plan for a
 * task asking for one. Developer requests: the first round writes greet.js with a bug, a round that
 * is told the tests failed fixes it with edit_file; after a tool result, finish.
 */
function respond(body: any): Step | undefined {
  const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
  const said = texts(body);
  if (tools.includes('submit_plan')) {
    if (said[0]!.split('\n')[0]!.includes('invalid plan please')) return { kind: 'tool', name: 'submit_plan', input: { summary: 'no steps' } };
    return { kind: 'tool', name: 'submit_plan', input: PLAN };
  }
  // The assistant (conversation tools offered): free text about a change → the task tool, then a word.
  if (tools.includes('task') && !tools.includes('finish')) {
    return said.length === 1 ? { kind: 'tool', name: 'task', input: { arguments: 'billing make greet say hi' } } : { kind: 'text', text: 'I proposed a task; tap to start it.' };
  }
  if (!tools.includes('finish')) return undefined;
  const results = said.length - 1;
  // "add a <NAME> file": one write, then finish (tests pass in the first round).
  const file = /^Task: add an? ([A-Z]+) file/.exec(said[0]!)?.[1];
  if (file) return results === 0 ? { kind: 'tool', name: 'write_file', input: { path: file, content: file === 'CHANGELOG' ? CHANGELOG : `${file} v2\n` } } : { kind: 'tool', name: 'finish', input: { summary: `added ${file}` } };
  if (results === 0) {
    return said[0]!.includes('The tests failed')
      ? { kind: 'tool', name: 'edit_file', input: { path: 'greet.js', old_string: 'Hello ${name}', new_string: 'Hello, ${name}!' } }
      : { kind: 'tool', name: 'write_file', input: { path: 'greet.js', content: 'export const greet = (name) => `Hello ${name}`;\n' } };
  }
  return { kind: 'tool', name: 'finish', input: { summary: said[0]!.includes('The tests failed') ? 'added the comma and the exclamation mark' : 'greet.js greets by name' } };
}

describe('/task: planner → developer ⇄ tester → approval → deployer → verify → learn', () => {
  let h: Harness;
  let anthropic: FakeAnthropicApi;
  const messages = () => h.telegram.messagesTo(FOUNDER.id);

  beforeAll(async () => {
    anthropic = await FakeAnthropicApi.start();
    anthropic.respond = respond;
    h = await Harness.create({
      yaml: 'llm:\n  chain: [anthropic:claude-sonnet-5-5]\n',
      env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, AUREA_EMBEDDER: 'offline' },
    });
    // A real test suite in the service's repo: greet('Ada') must be "Hello, Ada!".
    const repo = h.repo.dir;
    writeFileSync(join(repo, 'greet.js'), 'export const greet = (name) => name;\n');
    writeFileSync(join(repo, 'test.mjs'), "import { greet } from './greet.js';\nconst got = greet('Ada');\nif (got !== 'Hello, Ada!') { console.log(`FAIL greet: expected \"Hello, Ada!\", got \"${got}\"`); process.exit(1); }\nconsole.log('1 test passed');\n");
    writeFileSync(join(repo, 'test.sh'), 'if [ -f SLOW ]; then sleep 30; fi\nnode test.mjs\n');
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qam', 'greet', '--allow-empty'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'greet tests'], { cwd: repo });
    await h.start();
  });
  afterAll(async () => {
    await h?.close();
    await anthropic?.close();
  });

  it('fails its tests once, passes the second round, asks with plan, diff stat, tests and cost; Approve → merged, deployed once, verified, remembered', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing make greet say "Hello, <name>!"'));
    const approval = await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Task #1: deploy to billing?')), 60_000, 'the approval request').then(() =>
      messages().find((m) => m.text.startsWith('Task #1: deploy to billing?'))!,
    );
    expect(approval.text).toMatch(
      /^Task #1: deploy to billing\?\nmake greet say "Hello, <name>!"\n\nPlan: Make greet\(\) say "Hello, <name>!" \(risk low\)\nChanges \(commit [0-9a-f]{7}\):\n greet\.js \| 2 \+-\n 1 file changed, 1 insertion\(\+\), 1 deletion\(-\)\nTests, as AUREA measured them: exit 0 after [\d.]+s, 1 line of output, round 2\/3\nWhat the tests printed \(code the model may have written\):\n {2}1 test passed\nModel cost so far: \$0\.\d{4}\n\n⏳ Waiting for a founder to decide$/,
    );
    expect(approval.buttons.map((b) => b.text)).toEqual(['✅ Approve', '❌ Reject', '📄 Show diff']);
    expect(h.repo.deploys).toEqual([]);

    // 📄 Show diff: a short diff comes back as a fixed-width message in the chat where it was tapped.
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[2]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Diff of task #1 on billing')), 10_000, 'the diff');
    const diff = h.telegram.callsOf('sendMessage', FOUNDER.id).find((c) => c.text!.startsWith('Diff of task #1 on billing'))!;
    expect(diff.payload.text).toContain('<pre>diff --git a/greet.js b/greet.js');
    expect(diff.text).toContain('-export const greet = (name) => name;\n+export const greet = (name) => `Hello, ${name}!`;');
    await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery' && c.payload.text === 'Diff sent.', 5_000, 'the tap answered');
    expect(h.repo.deploys).toEqual([]);
    // Nothing reached the deploy branch before the approval.
    expect(readFileSync(join(h.repo.dir, 'greet.js'), 'utf8')).toBe('export const greet = (name) => name;\n');

    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => /^✅ Task #1 on billing deployed and verified: deployed [0-9a-f]{7}, healthy \(HTTP 200\)\.$/.test(m.text)), 30_000, 'deployed');
    expect(h.repo.deploys).toHaveLength(1);
    expect(readFileSync(join(h.repo.dir, 'greet.js'), 'utf8')).toBe('export const greet = (name) => `Hello, ${name}!`;\n');

    // The progress message, edited in place: its last version.
    const progress = h.telegram.callsOf('editMessageText').map((c) => c.text!).filter((t) => t.startsWith('Task #1 on billing'));
    expect(progress.at(-1)).toBe('Task #1 on billing\nmake greet say "Hello, <name>!"\n\nplan ✓ · code ✓ · test 2/3 ✗→✓ · approve ✓ · deploy ✓ · verify ✓');

    const [task] = await h.query(`SELECT status, rounds, detail FROM tasks WHERE id = 1`);
    expect(task).toMatchObject({ status: 'deployed', rounds: 2 });
    const memories = await h.query<{ memory_type: string; content: string }>(`SELECT memory_type, content FROM ai_persistent_memory WHERE source = 'task:1' ORDER BY id`);
    expect(memories.map((m) => m.memory_type).sort()).toEqual(['error', 'experience', 'solution']);
    expect(memories.find((m) => m.memory_type === 'error')!.content).toMatch(/FAIL greet: expected "Hello, Ada!", got "Hello Ada"/);
    expect(memories.find((m) => m.memory_type === 'solution')!.content).toMatch(/added the comma and the exclamation mark/);
    const tools = await h.query(`SELECT action FROM audit_log WHERE target = 'task:1' AND action LIKE 'task.tool.%' ORDER BY id`);
    expect(tools.map((t) => t.action)).toEqual(['task.tool.write_file', 'task.tool.finish', 'task.tool.edit_file', 'task.tool.finish']);
    const costs = await h.query(`SELECT count(*)::int AS n FROM llm_calls WHERE purpose = 'task:1'`);
    expect(costs[0]!.n).toBe(5); // plan + two calls per developer round
  });

  it("a second task's planner sees the first task's experience; an invalid plan twice stops it, saying why", async () => {
    const before = anthropic.calls.length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing make greet say hello again, invalid plan please'));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('⏹ Task #2 on billing stopped')), 30_000, 'stopped');
    const planner = anthropic.calls.slice(before).find((c) => c.body.tools?.some((t: any) => t.name === 'submit_plan'))!;
    expect(texts(planner.body)[0]).toMatch(/<memories>[\s\S]*\[experience\] Task on billing: "make greet say \\?"Hello, <name>!\\?""[\s\S]*<\/memories>/);
    expect(messages().find((m) => m.text.startsWith('⏹ Task #2'))!.text).toMatch(/^⏹ Task #2 on billing stopped: the plan was invalid twice \(steps: .+\)\.$/);
    expect(anthropic.calls.slice(before).filter((c) => c.body.tools?.some((t: any) => t.name === 'submit_plan'))).toHaveLength(2);
    expect((await h.query(`SELECT status FROM tasks WHERE id = 2`))[0]!.status).toBe('stopped');
    expect(h.repo.deploys).toHaveLength(1);
  });

  /** Starts a task and returns its approval request once it is shown. */
  const untilApproval = async (taskId: number, request: string) => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, `/task billing ${request}`));
    const title = `Task #${taskId}: deploy to billing?`;
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith(title)), 45_000, `the approval of task ${taskId}`);
    return messages().find((m) => m.text.startsWith(title))!;
  };

  it('a deploy that turns unhealthy: the previous commit is restored, rollback runs, the founder is told', async () => {
    const before = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim();
    const approval = await untilApproval(3, 'add a VERSION file');
    h.service.healthy = false;
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    const alert = await h.telegram.waitFor((c) => c.method === 'sendMessage' && /^🔴|Task #3 on billing: health check failed/.test(c.text!), 30_000);
    expect(alert.text).toMatch(new RegExp(`Task #3 on billing: health check failed: HTTP 503\\. Restored ${before.slice(0, 7)} and rolled back \\(rollback passed in [\\d.]+s\\)\\.`));
    h.service.healthy = true;
    await h.until(async () => (await h.query(`SELECT status FROM tasks WHERE id = 3`))[0]!.status === 'rolled_back', 10_000, 'task 3 recorded');
    expect(h.repo.deploys).toHaveLength(2);
    expect(h.repo.rollbacks).toHaveLength(1);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim()).toBe(before);
    expect(existsSync(join(h.repo.dir, 'VERSION'))).toBe(false);
  });

  it('AUREA restarted while the task waits for approval: Show diff sends a long diff as a document; Approve → the task completes in the new process', async () => {
    const approval = await untilApproval(4, 'add a CHANGELOG file');
    await h.stop();
    await h.start();
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[2]!.callback_data, approval));
    await h.telegram.waitFor(() => h.telegram.documentsTo(FOUNDER.id).length > 0, 10_000, 'the diff document');
    const [document] = h.telegram.documentsTo(FOUNDER.id);
    expect(document!.filename).toBe('task-4.diff');
    expect(document!.caption).toBe('Diff of task #4 on billing (206 lines)');
    expect(document!.content).toMatch(/^diff --git a\/CHANGELOG b\/CHANGELOG\nnew file mode 100644\n[\s\S]*\n\+CHANGELOG line 200\n$/);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('✅ Task #4 on billing deployed and verified')), 30_000, 'task 4 deployed');
    expect(readFileSync(join(h.repo.dir, 'CHANGELOG'), 'utf8')).toBe(CHANGELOG);
    expect(h.repo.deploys).toHaveLength(3);
  });

  it('/tasks lists the recent tasks with status, rounds, cost and duration', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/tasks'));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Recent tasks')), 10_000, '/tasks');
    const text = messages().findLast((m) => m.text.startsWith('Recent tasks'))!.text;
    const lines = text.split('\n').slice(1);
    expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(4);
    expect(lines[0]).toBe('✅ #4 billing: add a CHANGELOG file');
    expect(lines[1]).toMatch(/^ {2}deployed, 1 round\(s\), \$0\.\d{4}, \d+(ms|s) — deployed [0-9a-f]{7}, healthy \(HTTP 200\)$/);
    expect(lines[2]).toBe('↩ #3 billing: add a VERSION file');
    expect(lines[4]).toBe('⏹ #2 billing: make greet say hello again, invalid plan please');
    expect(lines[6]).toBe('✅ #1 billing: make greet say "Hello, <name>!"');
    expect(lines[7]).toMatch(/^ {2}deployed, 2 round\(s\), \$0\.\d{4}, /);
  });

  it('free text asking for a change: the assistant proposes /task with ▶ Run it; nothing starts without the tap', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, "could you make billing's greet say hi?"));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Run this?')), 20_000, 'the proposal');
    const proposal = messages().find((m) => m.text.startsWith('Run this?'))!;
    expect(proposal.text).toBe('Run this?\n/task billing make greet say hi\n\nProposed by the assistant; nothing runs without your tap.');
    expect(proposal.buttons.map((b) => b.text)).toEqual(['▶ Run it', '✖ Cancel']);
    await h.settled();
    expect(await h.query(`SELECT id FROM tasks WHERE request = 'make greet say hi'`)).toEqual([]);
  });

  it('/cancel during the tester stage: the test command is killed, the run stops, the deploy branch is untouched, the worktree removed', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing add a SLOW file'));
    await h.telegram.waitFor((c) => c.method === 'editMessageText' && /^Task #5 on billing\n[\s\S]*code ✓ · test ⏳/.test(c.text!), 30_000);
    const worktree = join(h.config.database.dataDir, 'worktrees', 'task-5');
    expect(existsSync(join(worktree, 'SLOW'))).toBe(true);
    const asked = Date.now();
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/cancel 5'));
    await h.telegram.waitFor(() => messages().some((m) => m.text === '⏹ Cancelling task #5: it stops at its next step; nothing is deployed.'), 10_000);
    await h.telegram.waitFor(() => messages().some((m) => m.text === '⏹ Task #5 on billing cancelled by Ada Founder; the deploy branch is untouched.'), 15_000);
    expect(Date.now() - asked).toBeLessThan(25_000); // the 30 s test command did not run to its end
    expect((await h.query(`SELECT status FROM tasks WHERE id = 5`))[0]!.status).toBe('cancelled');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim()).toBe(head);
    expect(existsSync(join(h.repo.dir, 'SLOW'))).toBe(false);
    expect(existsSync(worktree)).toBe(false);
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/cancel 5'));
    await h.telegram.waitFor(() => messages().some((m) => m.text === 'Task #5 already ended (cancelled).'), 10_000);
  });

  it('/rollback billing: behind an approval, the checkout goes back to before the last task deploy and the rollback command runs', async () => {
    const [last] = await h.query(`SELECT id, previous_commit, deployed_commit FROM tasks WHERE status = 'deployed' ORDER BY id DESC LIMIT 1`);
    expect(last!.id).toBe('4');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim()).toBe(last!.deployed_commit);
    const rollbacks = h.repo.rollbacks.length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/rollback billing'));
    const title = `Roll back billing to ${last!.previous_commit.slice(0, 7)}?`;
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith(title)), 10_000, 'the rollback approval');
    const request = messages().find((m) => m.text.startsWith(title))!;
    expect(request.text).toBe(`${title}\nUndoes task #4 (add a CHANGELOG file, deployed ${last!.deployed_commit.slice(0, 7)}): resets billing to ${last!.previous_commit.slice(0, 7)} and runs its rollback command.\n\n⏳ Waiting for a founder to decide`);
    expect(request.buttons.map((b) => b.text)).toEqual(['↩ Roll back', '✋ Keep']);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, request.buttons[0]!.callback_data, request));
    await h.telegram.waitFor(() => messages().some((m) => /^↩ billing rolled back to [0-9a-f]{7} \(rollback passed in [\d.]+s\)\.$/.test(m.text)), 15_000, 'rolled back');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: h.repo.dir }).toString().trim()).toBe(last!.previous_commit);
    expect(existsSync(join(h.repo.dir, 'CHANGELOG'))).toBe(false);
    expect(h.repo.rollbacks).toHaveLength(rollbacks + 1);
    expect((await h.query(`SELECT status FROM tasks WHERE id = 4`))[0]!.status).toBe('rolled_back');
  });

  it('one change to a service at a time: a task approved while another task deploys waits, named, off its worker, and deploys after it', async () => {
    const deploys = h.repo.deploys.length;
    const first = await untilApproval(6, 'add a ALPHA file');
    const second = await untilApproval(7, 'add a BETA file');
    h.repo.holdDeploys(true);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, first.buttons[0]!.callback_data, first));
    await h.until(() => h.query(`SELECT 1 FROM audit_log WHERE action = 'task.deploy.started' AND details->>'task' = '6'`).then((r) => r.length), 20_000, 'task 6 deploying');
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, second.buttons[0]!.callback_data, second));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith("⏳ Task #7's deploy waits")), 20_000, 'task 7 told it waits');
    expect(messages().find((m) => m.text.startsWith("⏳ Task #7's deploy waits"))!.text).toMatch(
      /^⏳ Task #7's deploy waits: task #6 is changing billing \(since \d\d:\d\d UTC\)\. It goes on as soon as that ends; one change to a service at a time\.$/,
    );
    expect(h.repo.deploys).toHaveLength(deploys); // task 6 is held inside its deploy command; task 7 has not started one
    expect(await h.query(`SELECT service, what FROM service_leases`)).toEqual([{ service: 'billing', what: 'task #6' }]);
    h.repo.holdDeploys(false);
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('✅ Task #7 on billing deployed and verified')), 30_000, 'task 7 deployed');
    const done = messages().filter((m) => /^✅ Task #[67] on billing deployed/.test(m.text)).map((m) => m.text.slice(0, 9));
    expect(done).toEqual(['✅ Task #6', '✅ Task #7']);
    expect(h.repo.deploys).toHaveLength(deploys + 2);
    expect(existsSync(join(h.repo.dir, 'ALPHA')) && existsSync(join(h.repo.dir, 'BETA'))).toBe(true);
    expect(await h.query(`SELECT * FROM service_leases`)).toEqual([]);
  });

  it('an approval that expired before anyone decided: the tap says so, the task ends as not deployed because it expired, the worktree removed', async () => {
    const approval = await untilApproval(8, 'add a GAMMA file');
    await h.query(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE payload->>'task' = '8'`);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('❌ Task #8')), 15_000, 'task 8 ended');
    expect(messages().find((m) => m.text.startsWith('❌ Task #8'))!.text).toBe('❌ Task #8 on billing was not deployed: its approval expired before anyone decided.');
    expect(h.telegram.callsOf('answerCallbackQuery').map((c) => c.payload.text)).toContain('This request expired before a decision; nothing will change. Ask again if it is still wanted.');
    expect(await h.query(`SELECT status, detail FROM tasks WHERE id = 8`)).toEqual([{ status: 'rejected', detail: 'its approval expired before anyone decided' }]);
    expect(existsSync(join(h.repo.dir, 'GAMMA'))).toBe(false);
    expect(existsSync(join(h.config.database.dataDir, 'worktrees', 'task-8'))).toBe(false);
  });
});
