/**
 * `aurea demo` as a newcomer meets it: a real terminal (tmux) running the README's first command's
 * `aurea demo`, driven by keystrokes. It opens with the demo service's status, deploys it behind a
 * typed approval, and after `demo break` shows the down alert with Diagnose.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL } from './helpers/harness.js';

const BIN = resolve('src/cli/bin.js');

/** A tmux session on its own server socket, read through capture-pane. */
class Terminal {
  private readonly socket = `aurea-demo-test-${process.pid}`;
  constructor(cwd: string, command: string[], env: Record<string, string>) {
    const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-s', 'demo', '-x', '160', '-y', '50', '-c', cwd, ...flags, command.map((a) => `'${a}'`).join(' '));
    this.tmux('set-option', '-t', 'demo', 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Everything on screen and in the scrollback. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'demo', '-S', '-2000').trimEnd();
  }

  type(line: string): void {
    this.tmux('send-keys', '-t', 'demo', '-l', line);
    this.tmux('send-keys', '-t', 'demo', 'Enter');
  }

  /** Waits until the screen (after the first `from` characters) matches; returns the match. */
  async expect(pattern: RegExp, from = 0, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.screen().slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} on the terminal:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Whether the program in the pane has ended. */
  exited(): boolean {
    return this.tmux('display-message', '-p', '-t', 'demo', '#{pane_dead}').trim() === '1';
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

describe('aurea demo in a terminal', () => {
  let term: Terminal | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    term?.kill();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys('aurea-demo:*');
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens with the status, deploys the demo behind a typed approval, and alerts with Diagnose after demo break', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aurea-demo-'));
    term = new Terminal(dir, [process.execPath, BIN, 'demo'], { PATH: process.env.PATH!, REDIS_URL, NO_COLOR: '1', HOME: dir });

    // The first answer, without typing anything: the demo service's status.
    await term.expect(/The AUREA demo: a tiny service named "demo" runs on http:\/\/127\.0\.0\.1:(\d+)/);
    await term.expect(/aurea> \/status\n[\s\S]*AUREA status\n\nServices\n🟢 demo: up \(\d+ ms\)/);
    const port = term.screen().match(/runs on http:\/\/127\.0\.0\.1:(\d+)/)![1]!;

    let mark = term.screen().length;
    term.type('deploy demo');
    await term.expect(/Deploy of demo started: running its tests first/, mark);
    const approve = await term.expect(/Deploy demo\?\nRequested by \S+ on console\.\nTests: passed in [\d.]+s\n {2}2 tests passed\n⏳ Waiting for a founder to decide\n\[(\d+)\] ✅ Approve {3}\[\d+\] ❌ Reject/, mark);
    mark = term.screen().length;
    term.type(approve[1]!);
    await term.expect(/✅ demo deployed \(deploy passed in [\d.]+s\), healthy \(HTTP 200\)\./, mark);
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(dir, 'data/demo/service'), encoding: 'utf8' }).trim();
    expect(readFileSync(join(dir, 'data/demo/live/REVISION'), 'utf8').trim()).toBe(head);
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ ok: true, revision: head });

    mark = term.screen().length;
    term.type('demo break');
    await term.expect(/💥 The demo service now answers 503 on \/health/, mark);
    await term.expect(/🔴 demo is DOWN: HTTP 503\n\[\d+\] 🩺 Diagnose\n\[\d+\] ✔ Ack {3}\[\d+\] 💤 Snooze 1h/, mark);

    term.type('exit');
    await term.expect(/Stopping AUREA…/);
    const deadline = Date.now() + 20_000;
    while (!term.exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(term.exited()).toBe(true);
    // The demo service stopped with it.
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => 'answered', () => 'gone')).toBe('gone');
  }, 120_000);
});
