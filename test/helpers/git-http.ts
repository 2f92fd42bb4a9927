/**
 * A real bare git repository served over HTTP on 127.0.0.1 by git's own `git http-backend` (run as
 * a CGI program per request, as Apache or nginx would: git-http-backend(1)), standing in for
 * GitHub's git endpoint. Every request must carry the token as HTTP Basic password (user
 * `x-access-token`, as GitHub takes it): a push or fetch without it gets 401, so a test shows that
 * AUREA's credential helper supplies it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GIT = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

export class GitHttpRepo {
  /** Requests refused for a missing or wrong token (method and path). */
  readonly refused: string[] = [];

  private constructor(
    private readonly server: Server,
    /** The bare repository's folder. */
    readonly dir: string,
    readonly token: string,
  ) {}

  /**
   * Serves a bare copy of `source` (every branch) as `/<name>.git`.
   * @param source a local repository to clone from
   */
  static async start(source: string, name: string, token: string): Promise<GitHttpRepo> {
    const root = mkdtempSync(join(tmpdir(), 'aurea-git-http-'));
    const dir = join(root, `${name}.git`);
    execFileSync('git', ['clone', '-q', '--bare', source, dir]);
    execFileSync('git', ['config', 'http.receivepack', 'true'], { cwd: dir });
    let repo!: GitHttpRepo;
    const server = createServer((req, res) => repo.handle(root, req, res));
    repo = new GitHttpRepo(server, dir, token);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return repo;
  }

  /** The clone URL (no credentials in it). */
  url(name: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${name}.git`;
  }

  /** The commit a branch points at in the served repository, or null. */
  head(branch: string): string | null {
    try {
      return execFileSync('git', ['rev-parse', `refs/heads/${branch}`], { cwd: this.dir, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  }

  /** Commits a file on `branch` directly in the served repository (someone else pushing), returning the new commit. */
  commitOn(branch: string, file: string, content: string): string {
    const work = mkdtempSync(join(tmpdir(), 'aurea-git-other-'));
    execFileSync('git', ['clone', '-q', '--branch', branch, this.dir, work]);
    execFileSync('sh', ['-c', `printf '%s' "$2" > "$1"`, 'sh', file, content], { cwd: work });
    execFileSync('git', ['add', file], { cwd: work });
    execFileSync('git', [...GIT, 'commit', '-qm', `edit ${file}`], { cwd: work });
    execFileSync('git', ['push', '-q', 'origin', branch], { cwd: work });
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: work, encoding: 'utf8' }).trim();
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const [, password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return password === this.token;
  }

  private handle(root: string, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!this.authorized(req)) {
      this.refused.push(`${req.method} ${url.pathname}${url.search}`);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('token required\n');
      return;
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let parsed = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (parsed) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n');
      if (end < 0) return;
      const sep = head[end] === 13 ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
        const i = line.indexOf(':');
        const key = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      parsed = true;
      res.write(head.subarray(end + sep));
    });
    cgi.on('close', () => {
      if (!parsed) res.writeHead(500).end('git http-backend gave no answer\n');
      else res.end();
    });
  }
}
