/**
 * A real terminal for tests: a tmux session on its own server socket, driven by keystrokes
 * (send-keys) and read through capture-pane, so a program sees a TTY as a person's terminal.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A tmux session on its own server socket, read through capture-pane. */
export class Terminal {
  private readonly socket = `aurea-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  /**
   * @param cwd where the command runs
   * @param logFile a log whose end a failed wait shows
   */
  constructor(
    cwd: string,
    command: string[],
    private readonly logFile: string | null,
    env: Record<string, string>,
  ) {
    const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-s', 'term', '-x', '160', '-y', '50', '-c', cwd, ...flags, command.map((a) => `'${a}'`).join(' '));
    this.tmux('set-option', '-t', 'term', 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Everything on screen and in the scrollback. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'term', '-S', '-2000').trimEnd();
  }

  type(line: string): void {
    this.tmux('send-keys', '-t', 'term', '-l', line);
    this.tmux('send-keys', '-t', 'term', 'Enter');
  }

  /** Waits until the screen (after the first `from` characters) matches; returns the match. */
  async expect(pattern: RegExp, from = 0, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.screen().slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} on the terminal:\n${this.screen()}\n\nlog:\n${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The end of the log, for a failure's message. */
  private logTail(): string {
    try {
      return this.logFile ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n') : '(none)';
    } catch {
      return '(none)';
    }
  }

  /** Whether the program in the pane has ended. */
  exited(): boolean {
    return this.tmux('display-message', '-p', '-t', 'term', '#{pane_dead}').trim() === '1';
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
