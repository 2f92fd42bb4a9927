/**
 * What the sandbox adds to a command: `true` run 50 times through runCommand as AUREA runs a task's
 * commands (sh -c in the worktree), unsandboxed and in the bubblewrap sandbox with a task's default
 * policy (src/sandbox/policy.ts taskSandbox); p50 and p95 of each and the difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { taskSandbox } from '../src/sandbox/policy.js';
import { runCommand } from '../src/shell/run.js';
import { percentile, round, type BenchResult } from './stats.js';

export async function sandboxOverhead(runs = 50): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aurea-sandbox-bench-'));
  try {
    const config = loadConfig({ AUREA_DATA_DIR: join(dir, 'data') }, CHANNELS);
    const policy = taskSandbox(config, { repo: dir, env: [], sandbox: { network: 'none', cpuSeconds: 600, memoryMb: 2048, fileSizeMb: 1024 } }, dir)!;
    const time = async (sandbox: typeof policy | null) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await runCommand('true', { cwd: dir, timeoutMs: 10_000, secrets: [], sandbox });
        if (r.exitCode !== 0) throw new Error(`true failed (${sandbox ? 'sandboxed' : 'plain'}): ${r.tail}`);
        times.push(r.durationMs);
      }
      return { p50: percentile(times, 50), p95: percentile(times, 95) };
    };
    await time(policy); // warm-up
    const plain = await time(null);
    const boxed = await time(policy);
    return {
      name: `the sandbox's added time per command (\`true\`, ${runs} runs each)`,
      rows: [
        { metric: 'unsandboxed p50 / p95', value: `${round(plain.p50, 2)} / ${round(plain.p95, 2)}`, unit: 'ms' },
        { metric: 'sandboxed p50 / p95', value: `${round(boxed.p50, 2)} / ${round(boxed.p95, 2)}`, unit: 'ms' },
        { metric: 'added (p50)', value: round(boxed.p50 - plain.p50, 2), unit: 'ms' },
      ],
      details: { runs, plainMs: plain, sandboxedMs: boxed },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
