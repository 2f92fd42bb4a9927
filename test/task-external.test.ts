/**
 * `services.<name>.developer: { command }`: a coding CLI (here a small script standing in for a
 * headless coding agent) writes the code in the task's worktree, given the task and plan in
 * AUREA_TASK_FILE; the tester, approval and deploy proceed as with AUREA's own developer.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDER, callbackUpdate, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

describe('/task with an external coding CLI as the developer', () => {
  let h: Harness;
  const messages = () => h.telegram.messagesTo(FOUNDER.id);

  beforeAll(async () => {
    h = await Harness.create({ serviceYaml: 'developer:\n  command: sh tools/coding-agent.sh' });
    // The stand-in CLI: writes what it was asked into NOTES.md (and, were AUREA's bot token in its environment, says so there).
    mkdirSync(join(h.repo.dir, 'tools'));
    writeFileSync(
      join(h.repo.dir, 'tools', 'coding-agent.sh'),
      'head -n 1 "$AUREA_TASK_FILE" > NOTES.md\nenv | grep -q TELEGRAM_BOT_TOKEN && echo "saw a secret" >> NOTES.md\necho "wrote NOTES.md from the task"\n',
    );
    execFileSync('git', ['add', '.'], { cwd: h.repo.dir });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'the coding CLI stand-in'], { cwd: h.repo.dir });
    await h.start();
  });
  afterAll(() => h?.close());

  it('the CLI runs in the worktree with the task; its change is tested, approved, merged and deployed', async () => {
    h.telegram.pushUpdate(textUpdate(FOUNDER, '/task billing write release notes'));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('Task #1: deploy to billing?')), 60_000, 'the approval');
    const approval = messages().find((m) => m.text.startsWith('Task #1: deploy to billing?'))!;
    expect(approval.text).toMatch(/\nChanges \(commit [0-9a-f]{7}\):\n NOTES\.md \| 1 \+\n 1 file changed, 1 insertion\(\+\)\nTests, as AUREA measured them: exit 0 after [\d.]+s, 1 line of output, round 1\/3\nWhat the tests printed \(code the model may have written\):\n {2}12 tests passed\nModel cost so far: \$0\.0000\n/);
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons[0]!.callback_data, approval));
    await h.telegram.waitFor(() => messages().some((m) => m.text.startsWith('✅ Task #1 on billing deployed and verified')), 30_000, 'deployed');
    expect(readFileSync(join(h.repo.dir, 'NOTES.md'), 'utf8')).toBe('Task: write release notes\n');
    expect(h.repo.deploys).toHaveLength(1);
    const [task] = await h.query(`SELECT status, rounds FROM tasks WHERE id = 1`);
    expect(task).toMatchObject({ status: 'deployed', rounds: 1 });
    const experience = await h.query(`SELECT content FROM ai_persistent_memory WHERE source = 'task:1' AND memory_type = 'experience'`);
    expect(experience[0]!.content).toMatch(/Outcome: deployed after 1 round\(s\)/);
  });
});
