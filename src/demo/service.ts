import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { AureaError } from '../errors.js';
import { REPO, SERVER } from './files.js';

/** The demo service, running. */
export interface DemoService {
  /** `<data dir>/demo`. */
  dir: string;
  /** The git repo AUREA tests, deploys and changes (`<dir>/service`). */
  repo: string;
  /** The deployed copy the server serves (`<dir>/live`). */
  live: string;
  /** Where the demo AUREA keeps its own database (`<dir>/state`), apart from your real one. */
  dataDir: string;
  /** The demo's aurea.config.yaml (rewritten at each start: the port changes). */
  configFile: string;
  healthUrl: string;
  /** Stops the service's process. */
  stop(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=AUREA demo', '-c', 'user.email=demo@aurea.invalid', ...args], { cwd, stdio: 'pipe' });

/** A free TCP port on 127.0.0.1 (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Writes the service's repo (first run only), a git commit, and its first deploy. */
function scaffold(dir: string): void {
  const repo = join(dir, 'service');
  if (!existsSync(join(repo, '.git'))) {
    for (const [path, content] of Object.entries(REPO)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), content);
    }
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'The demo service: /health, tests, deploy and rollback scripts');
  }
  writeFileSync(join(dir, 'server.mjs'), SERVER);
  if (!existsSync(join(dir, 'live', 'REVISION'))) execFileSync('sh', ['deploy.sh'], { cwd: repo, stdio: 'pipe' });
}

/** The demo's configuration: the one service, a monitor that looks every 5 s, quick verification. */
function demoConfig(healthUrl: string): string {
  return `# Written by \`aurea demo\` at each start (the port changes). Your own aurea.config.yaml is not read in the demo.
services:
  demo:
    repo: ./service
    test: sh test.sh
    deploy: sh deploy.sh
    rollback: sh rollback.sh
    health: ${healthUrl}
    healthTimeout: 2s
    logs: tail -n 20 ../server.log
agents:
  system-monitor:
    every: 5s
  security-monitor:
    enabled: false
  memory-consolidation:
    enabled: false
  daily-digest:
    enabled: false
  revenue-report:
    enabled: false
deploy:
  verifyTimeout: 15s
  verifyInterval: 500ms
`;
}

/**
 * Creates (first time) and starts the demo service under `<dataDir>/demo`: the repo, its first
 * deploy, the server on a free port of 127.0.0.1, and the demo's aurea.config.yaml.
 * @param dataDir AUREA's data dir (`./data`)
 * @throws AureaError DEMO_FAILED when git is missing or the server does not answer within 10 s
 */
export async function startDemoService(dataDir: string): Promise<DemoService> {
  const dir = join(dataDir, 'demo');
  mkdirSync(dir, { recursive: true });
  try {
    scaffold(dir);
  } catch (err) {
    const missingGit = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AureaError('DEMO_FAILED', missingGit ? 'The demo needs git: apt-get install git' : `Could not create the demo service in ${dir}: ${(err as Error).message}`);
  }
  const port = await freePort();
  const healthUrl = `http://127.0.0.1:${port}/health`;
  const log = createWriteStream(join(dir, 'server.log'), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [join(dir, 'server.mjs'), String(port), join(dir, 'live')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    log.end();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    // Any answer will do: a BROKEN left by an earlier `demo break` is the demo's to show, not an error.
    if (await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false)) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new AureaError('DEMO_FAILED', `The demo service did not answer on ${healthUrl} within 10 s; see ${join(dir, 'server.log')}.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const configFile = join(dir, 'aurea.config.yaml');
  writeFileSync(configFile, demoConfig(healthUrl));
  return { dir, repo: join(dir, 'service'), live: join(dir, 'live'), dataDir: join(dir, 'state'), configFile, healthUrl, stop };
}
