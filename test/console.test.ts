import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../bots/console/channel.js';
import { Harness } from './helpers/harness.js';

/** `aurea chat` as a real process, driven through its stdin/stdout. */
class ChatSession {
  output = '';
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Waits until the output (after `from`) matches; returns the match. */
  async expect(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output.slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} in console output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('console channel (aurea chat)', () => {
  let h: Harness;
  let session: ChatSession | undefined;
  afterEach(async () => {
    if (session && session.child.exitCode === null) session.child.kill('SIGKILL');
    await h?.close();
  });

  it('works with no tokens at all: commands, a deploy approved by typing the button number, exit', async () => {
    h = await Harness.create();
    const { TELEGRAM_BOT_TOKEN: _t, TELEGRAM_API_ROOT: _r, ...env } = h.env();
    session = new ChatSession(
      spawn(process.execPath, ['src/cli/bin.js', 'chat'], {
        env: { PATH: process.env.PATH, ...env, AUREA_CONFIG: h.config.configFile!, LOG_LEVEL: 'info' },
      }),
    );
    await session.expect(/> ready/);
    session.type('/status');
    await session.expect(/🟢 billing: up \(\d+ ms\)/);

    let mark = session.output.length;
    session.type('deploy billing');
    await session.expect(/Deploy of billing started/, mark);
    const buttons = await session.expect(/Deploy billing\?\nRequested by \S+ on console\.\nTests: passed in [\d.]+s\n {2}12 tests passed\n⏳ Waiting for a founder to decide\n\[(\d+)\] ✅ Approve {3}\[(\d+)\] ❌ Reject/, mark);
    expect(h.repo.deploys).toEqual([]);

    mark = session.output.length;
    session.type(buttons[1]!);
    await session.expect(/Approved\. Working on it…/, mark);
    await session.expect(/\(message #\d+ updated\)\nDeploy billing\?[\s\S]*✅ Approved by \S+ on console at \d{4}-\d\d-\d\d \d\d:\d\d UTC/, mark);
    await session.expect(/✅ billing deployed/, mark);
    expect(h.repo.deploys).toHaveLength(1);

    mark = session.output.length;
    session.type(buttons[1]!);
    await session.expect(/There is no button \d+ to press\./, mark);
    session.type('exit');
    expect(await session.exited).toBe(0);
    expect(session.output).toMatch(/Stopping AUREA…/);
    // The terminal is the founder's: logs go to the data dir, and nothing else (no warnings) is printed.
    expect(session.output).not.toMatch(/warning|deprecat|error/i);
  });

  it('a text file (a long diff) is printed between rulers under its caption', async () => {
    const printed: string[] = [];
    const channel = new ConsoleChannel((t) => printed.push(t), false);
    await channel.sendDocument('console', { filename: 'task-3.diff', content: '+a\n-b\n', caption: 'Diff of task #3 on billing (2 lines)' });
    expect(printed).toEqual(['Diff of task #3 on billing (2 lines)\n──── task-3.diff ────\n+a\n-b\n' + '─'.repeat(21)]);
  });
});
