/**
 * AUREA as a real child process (`node src/cli/bin.js <command>`), for the fault suite: it can be
 * killed with SIGKILL mid-work and started again on the same data, as a crash would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export class AureaProcess {
  output = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * @param command `start`, `bot` or `worker`
   * @param env AUREA's environment (the harness's, plus AUREA_CONFIG); logs at info on stdout
   */
  static start(command: 'start' | 'bot' | 'worker', env: Record<string, string>): AureaProcess {
    const child = spawn(process.execPath, [BIN, command], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AureaProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits until the output matches `pattern`. @throws with the output so far after `timeoutMs` */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`AUREA exited (${this.child.exitCode}) before ${pattern}:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9: no shutdown code runs. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Waits for the process to end by itself. @returns the exit code */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, the graceful stop. @returns the exit code */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
