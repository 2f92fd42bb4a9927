/**
 * A fake GitHub REST API on 127.0.0.1 that Octokit talks to unmodified (GITHUB_API_URL), for one
 * repository served by {@link GitHttpRepo}: pull requests (list, create, get, update, merge with
 * `sha`), check runs and commit statuses of a commit, issue comments, repository and collaborator
 * permissions, and GraphQL's `markPullRequestReadyForReview`. Bodies start from the examples in
 * GitHub's OpenAPI description and every REST response is validated against its schema there
 * (`invalid` lists what did not match). A merge is a real squash (or merge) commit in the bare
 * repository, so the branch a task pushed is what gets merged.
 */
import { execFileSync } from 'node:child_process';
import { createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHttpRepo } from '../helpers/git-http.js';
import { example, validateResponse } from './github-openapi.js';

export interface FakeCheck {
  name: string;
  /** `queued` / `in_progress`, or a completed conclusion. */
  status: 'queued' | 'in_progress' | 'success' | 'failure' | 'neutral' | 'skipped';
  title?: string;
  summary?: string;
}

interface Pull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergeSha: string | null;
}

export interface GithubCall {
  method: string;
  path: string;
  body: any;
  status: number;
  /** performance.now() when the request arrived. */
  at: number;
}

export class FakeGitHubApi {
  readonly token = 'github_pat_fakeAureaToken0000000000000000';
  /** REST responses that did not match GitHub's schema (should stay empty). */
  readonly invalid: string[] = [];
  readonly calls: GithubCall[] = [];
  readonly pulls = new Map<number, Pull>();
  readonly comments: Array<{ issue: number; body: string }> = [];
  /** The checks GitHub reports for a commit (set by the test; none by default). */
  checks: (sha: string) => FakeCheck[] = () => [];
  /** Called after each merge (a platform that deploys what is merged, in a test). */
  onMerged: (pull: Pull) => void = () => undefined;
  /** What the token may do on the repository. */
  permissions = { admin: false, maintain: false, push: true, triage: true, pull: true };
  /** false: reading check runs answers 403 (a token without "Checks: read"). */
  checksReadable = true;
  /** Collaborators' permission (`write`, `read`, …) by login. */
  collaborators: Record<string, 'admin' | 'write' | 'read' | 'none'> = {};
  /**
   * A GitHub App (set by the test): its id and public key (PEM). Requests to the App endpoints must
   * carry a JWT it signed (RS256, `iss` = the App id); the installation's token then works like a
   * personal access token.
   */
  app?: { id: string; publicKey: string; installationId: number; token: string };
  /** What polling lists (github.poll): completed workflow runs, issue comments, labelled issues. */
  readonly workflowRuns: Array<{ id: number; name: string; conclusion: 'success' | 'failure'; head_branch: string; head_sha: string }> = [];
  readonly issueComments: Array<{ id: number; issue: number; body: string; login: string }> = [];
  readonly labelledIssues: Array<{ id: number; number: number; title: string; login: string }> = [];
  /** The jobs of a workflow run (by run id): name, conclusion and log text. */
  readonly runJobs = new Map<number, Array<{ name: string; conclusion: 'success' | 'failure'; log: string }>>();
  private nextNumber = 1;

  private git!: GitHttpRepo;

  private constructor(
    private readonly server: Server,
    readonly repoName: string,
  ) {}

  /** @param repoName `owner/name`; its git repository is {@link attach}ed once it exists */
  static async start(repoName: string): Promise<FakeGitHubApi> {
    let fake!: FakeGitHubApi;
    const server = createServer((req, res) =>
      void fake.handle(req, res).catch((err: unknown) => {
        fake.invalid.push(`the fake failed on ${req.method} ${req.url}: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'fake GitHub failed' }));
      }),
    );
    fake = new FakeGitHubApi(server, repoName);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  /** GITHUB_API_URL for this fake. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The repository's git side: branches, and where merges happen. */
  attach(git: GitHttpRepo): void {
    this.git = git;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** The calls of one method and path template (`POST /repos/{owner}/{repo}/pulls`). */
  callsTo(method: string, template: string): GithubCall[] {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return this.calls.filter((c) => c.method === method && re.test(c.path));
  }

  private head(pull: Pull): string {
    return this.git.head(pull.head) ?? '0'.repeat(40);
  }

  private pullJson(p: Pull) {
    const [owner, name] = this.repoName.split('/') as [string, string];
    const body = example('pull-request');
    const html = `https://github.com/${this.repoName}/pull/${p.number}`;
    Object.assign(body, {
      number: p.number,
      id: 1000 + p.number,
      node_id: `PR_fake${p.number}`,
      html_url: html,
      title: p.title,
      body: p.body,
      draft: p.draft,
      state: p.state,
      merged: p.merged,
      merge_commit_sha: p.mergeSha,
      merged_at: p.merged ? new Date().toISOString() : null,
      closed_at: p.state === 'closed' ? new Date().toISOString() : null,
      requested_teams: [],
    });
    body.head = { ...body.head, ref: p.head, sha: this.head(p), label: `${owner}:${p.head}` };
    body.base = { ...body.base, ref: p.base, sha: this.git.head(p.base) ?? '0'.repeat(40), label: `${owner}:${p.base}` };
    for (const side of [body.head, body.base]) side.repo = { ...side.repo, name, full_name: this.repoName, owner: { ...side.repo.owner, login: owner } };
    return body;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : {};
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const at = performance.now();
    const reply = (status: number, json: unknown, template?: string) => {
      if (template) this.invalid.push(...validateResponse(template, method, status, json));
      this.calls.push({ method, path: url.pathname, body, status, at });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', 'x-ratelimit-limit': '5000' }).end(JSON.stringify(json));
    };
    const log = /^\/_logs\/(\d+)$/.exec(url.pathname);
    if (log && method === 'GET') {
      const job = Number(log[1]);
      const lines = this.runJobs.get(Math.floor(job / 100))?.[job % 100]?.log ?? '';
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(lines);
      return;
    }
    const auth = req.headers.authorization ?? '';
    const appPath = url.pathname === `/repos/${this.repoName}/installation` || /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname);
    if (appPath) {
      if (!this.app || !this.jwtValid(auth.replace(/^bearer /i, ''))) return reply(401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest', status: '401' });
      if (method === 'GET') {
        const installation = example('installation');
        Object.assign(installation, { id: this.app.installationId, app_id: Number(this.app.id) });
        return reply(200, installation, '/repos/{owner}/{repo}/installation');
      }
      const token = example('installation-token');
      Object.assign(token, { token: this.app.token, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
      return reply(201, token, '/app/installations/{installation_id}/access_tokens');
    }
    const tokens = [this.token, ...(this.app ? [this.app.token] : [])];
    if (!tokens.some((t) => auth === `token ${t}` || auth === `bearer ${t}` || auth === `Bearer ${t}`)) {
      return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    if (method === 'POST' && url.pathname === '/graphql') {
      const pull = [...this.pulls.values()].find((p) => `PR_fake${p.number}` === body.variables?.id);
      if (!pull) return reply(200, { data: null, errors: [{ message: 'Could not resolve to a node' }] });
      pull.draft = false;
      return reply(200, { data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } } });
    }
    const repoPrefix = `/repos/${this.repoName}`;
    if (!url.pathname.startsWith(repoPrefix)) return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const rest = url.pathname.slice(repoPrefix.length);
    let m: RegExpExecArray | null;

    if (method === 'GET' && rest === '') {
      const repo = example('full-repository-default-response');
      Object.assign(repo, { full_name: this.repoName, name: this.repoName.split('/')[1], default_branch: 'main', permissions: this.permissions, language: 'JavaScript' });
      delete repo.source;
      delete repo.parent;
      return reply(200, repo, '/repos/{owner}/{repo}');
    }
    if (rest === '/actions/runs' && method === 'GET') {
      const branch = url.searchParams.get('branch');
      const runs = this.workflowRuns.filter((r) => !branch || r.head_branch === branch).map((r) => {
        const run = example('workflow-run');
        return Object.assign(run, { ...r, status: 'completed', html_url: `https://github.com/${this.repoName}/actions/runs/${r.id}`, event: 'push' });
      });
      return reply(200, { total_count: runs.length, workflow_runs: runs }, '/repos/{owner}/{repo}/actions/runs');
    }
    if (rest === '/issues/comments' && method === 'GET') {
      const comments = this.issueComments.map((c) => {
        const comment = example('issue-comment');
        return Object.assign(comment, { id: c.id, body: c.body, user: { ...comment.user, login: c.login }, issue_url: `https://api.github.com/repos/${this.repoName}/issues/${c.issue}`, html_url: `https://github.com/${this.repoName}/issues/${c.issue}#issuecomment-${c.id}` });
      });
      return reply(200, comments, '/repos/{owner}/{repo}/issues/comments');
    }
    if (rest === '/pulls/comments' && method === 'GET') return reply(200, [], '/repos/{owner}/{repo}/pulls/comments');
    if (rest === '/issues' && method === 'GET') {
      const issues = this.labelledIssues.map((i) => {
        const issue = example('issue');
        delete issue.pull_request;
        return Object.assign(issue, { id: i.id, number: i.number, title: i.title, body: null, user: { ...issue.user, login: i.login }, html_url: `https://github.com/${this.repoName}/issues/${i.number}` });
      });
      return reply(200, issues, '/repos/{owner}/{repo}/issues');
    }
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head')?.split(':')[1];
      const state = url.searchParams.get('state') ?? 'open';
      const base = url.searchParams.get('base');
      const found = [...this.pulls.values()].filter((p) => (!head || p.head === head) && (!base || p.base === base) && (state === 'all' || p.state === state));
      return reply(200, found.map((p) => ({ ...this.pullJson(p), requested_teams: [] })).map(simple), '/repos/{owner}/{repo}/pulls');
    }
    if (rest === '/pulls' && method === 'POST') {
      if (!this.git.head(body.head)) return reply(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }], documentation_url: 'https://docs.github.com/rest' });
      const pull: Pull = { number: this.nextNumber++, head: body.head, base: body.base, title: body.title, body: body.body ?? '', draft: Boolean(body.draft), state: 'open', merged: false, mergeSha: null };
      this.pulls.set(pull.number, pull);
      return reply(201, this.pullJson(pull), '/repos/{owner}/{repo}/pulls');
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(rest))) {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      if (method === 'PATCH') {
        if (body.title !== undefined) pull.title = body.title;
        if (body.body !== undefined) pull.body = body.body;
        if (body.state === 'closed' || body.state === 'open') pull.state = body.state;
      }
      return reply(200, this.pullJson(pull), '/repos/{owner}/{repo}/pulls/{pull_number}');
    }
    if ((m = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'PUT') {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      if (pull.state !== 'open' || pull.draft) return reply(405, { message: pull.draft ? 'Pull Request is still a draft' : 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest' }, '/repos/{owner}/{repo}/pulls/{pull_number}/merge');
      if (body.sha && body.sha !== this.head(pull)) return reply(409, { message: 'Head branch was modified. Review and try the merge again.', documentation_url: 'https://docs.github.com/rest' }, '/repos/{owner}/{repo}/pulls/{pull_number}/merge');
      const sha = this.mergeInGit(pull, body.merge_method ?? 'merge', body.commit_title ?? pull.title);
      Object.assign(pull, { state: 'closed', merged: true, mergeSha: sha });
      this.onMerged(pull);
      return reply(200, { sha, merged: true, message: 'Pull Request successfully merged' }, '/repos/{owner}/{repo}/pulls/{pull_number}/merge');
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest)) && method === 'POST') {
      this.comments.push({ issue: Number(m[1]), body: body.body });
      const comment = example('issue-comment');
      Object.assign(comment, { body: body.body, id: this.comments.length, html_url: `https://github.com/${this.repoName}/pull/${m[1]}#issuecomment-${this.comments.length}` });
      return reply(201, comment, '/repos/{owner}/{repo}/issues/{issue_number}/comments');
    }
    if ((m = /^\/commits\/([^/]+)\/check-runs$/.exec(rest)) && method === 'GET') {
      if (!this.checksReadable) return reply(403, { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' });
      const runs = this.checks(m[1]!).map((c, i) => {
        const run = example('check-run');
        const done = c.status !== 'queued' && c.status !== 'in_progress';
        return Object.assign(run, {
          id: i + 1,
          name: c.name,
          head_sha: m![1],
          status: done ? 'completed' : c.status,
          conclusion: done ? c.status : null,
          completed_at: done ? new Date().toISOString() : null,
          output: { ...run.output, title: c.title ?? null, summary: c.summary ?? null, text: null },
          html_url: `https://github.com/${this.repoName}/runs/${i + 1}`,
        });
      });
      return reply(200, { total_count: runs.length, check_runs: runs }, '/repos/{owner}/{repo}/commits/{ref}/check-runs');
    }
    if ((m = /^\/commits\/([^/]+)\/status$/.exec(rest)) && method === 'GET') {
      const combined = example('combined-commit-status');
      Object.assign(combined, { state: 'pending', sha: m[1], statuses: [], total_count: 0 });
      return reply(200, combined, '/repos/{owner}/{repo}/commits/{ref}/status');
    }
    if ((m = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest)) && method === 'GET') {
      const jobs = (this.runJobs.get(Number(m[1])) ?? []).map((j, i) => {
        const job = example('job');
        // GitHub's own example lacks created_at, which its schema requires.
        return Object.assign(job, { id: Number(m![1]) * 100 + i, run_id: Number(m![1]), name: j.name, status: 'completed', conclusion: j.conclusion, created_at: job.started_at });
      });
      return reply(200, { total_count: jobs.length, jobs }, '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs');
    }
    if ((m = /^\/actions\/jobs\/(\d+)\/logs$/.exec(rest)) && method === 'GET') {
      // GitHub answers 302 to a signed URL of the plain-text log (here: on this fake, without auth).
      this.calls.push({ method, path: url.pathname, body, status: 302, at });
      res.writeHead(302, { location: `${this.apiUrl}/_logs/${m[1]}` }).end();
      return;
    }
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const permission = this.collaborators[m[1]!];
      if (!permission || permission === 'none') return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      const answer = example('repository-collaborator-permission-response-if-user-has-admin-permissions');
      // The description's example user lacks role_name, which its schema requires.
      Object.assign(answer, { permission, role_name: permission, user: { ...answer.user, login: m[1], role_name: permission } });
      return reply(200, answer, '/repos/{owner}/{repo}/collaborators/{username}/permission');
    }
    return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  /** Whether `jwt` is an RS256 JWT signed with the App's key, issued by the App, not expired. */
  private jwtValid(jwt: string): boolean {
    const [header, claims, signature] = jwt.split('.');
    if (!header || !claims || !signature || !this.app) return false;
    const ok = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(this.app.publicKey, Buffer.from(signature, 'base64url'));
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { iss?: string | number; exp?: number };
    return ok && String(payload.iss) === this.app.id && (payload.exp ?? 0) * 1000 > Date.now();
  }

  /** A real merge in the served repository: a squash commit (the head's tree on the base), or a merge commit. */
  private mergeInGit(pull: Pull, methodName: string, title: string): string {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=GitHub', '-c', 'user.email=noreply@github.com', ...args], { cwd: this.git.dir, encoding: 'utf8' }).trim();
    const base = git('rev-parse', `refs/heads/${pull.base}`);
    const head = this.head(pull);
    const tree = git('rev-parse', `${head}^{tree}`);
    const sha = methodName === 'squash' ? git('commit-tree', tree, '-p', base, '-m', `${title} (#${pull.number})`) : git('commit-tree', tree, '-p', base, '-p', head, '-m', `Merge pull request #${pull.number}`);
    git('update-ref', `refs/heads/${pull.base}`, sha, base);
    return sha;
  }
}

/** A pull request as the list endpoint shows it (`pull-request-simple`: fewer fields). */
function simple(full: Record<string, any>): Record<string, any> {
  const keep = Object.keys(example('pull-request-simple'));
  return Object.fromEntries(Object.entries(full).filter(([k]) => keep.includes(k)));
}
